import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ManualClock, SafeModeSwitch } from '@spot/core';
import { DecisionLoop } from '@spot/decisions';
import { ReplicaCoordinator } from '@spot/replicas';
import { ClientEntity, CommandEntity, InstanceEntity, SavingsSnapshotEntity } from '@spot/persistence';
import { describeEachDatabase, insertClientWithAgent, putSpotPrices, startTestScheduler } from '@spot/testing';
import { CommandExpiryJob } from '../src/jobs/command-expiry.job';
import { DecisionLoopJob } from '../src/jobs/decision-loop.job';
import { SavingsSnapshotJob } from '../src/jobs/savings-snapshot.job';
import { SCHEDULED_JOBS } from '../src/scheduler.module';

describeEachDatabase('decision, command-expiry and savings jobs', (db) => {
  let app: INestApplicationContext;
  let dataSource: DataSource;
  const clock = new ManualClock('2026-11-24T12:00:00.000Z');

  beforeAll(async () => {
    app = await startTestScheduler(db(), clock);
    dataSource = app.get(DataSource);
  });
  afterAll(async () => app?.close());

  it('schedules the decision loop, command expiry and savings snapshots', () => {
    expect(SCHEDULED_JOBS.map((job) => job.NAME)).toEqual(expect.arrayContaining(['decision-loop', 'expire-commands', 'savings-snapshots']));
  });

  it('runs one loop pass: an automatic command for the auto-switch agent, a recommendation for the other', async () => {
    const auto = await insertClientWithAgent(dataSource, clock.now());
    const manual = await insertClientWithAgent(dataSource, clock.now(), { agent: { autoSwitchEnabled: false } });
    await putSpotPrices(dataSource, clock, [{ instanceType: 'm5.large', az: 'eu-west-1b', price: 0.03 }]);

    const outcome = await app.get(DecisionLoopJob).run();
    expect(outcome).toEqual({ status: 'completed', summary: 'evaluated 2 agents: 1 commands, 1 recommendations only, 0 unchanged, 0 refused, 0 skipped, 0 failed' });
    const commands = dataSource.getRepository(CommandEntity);
    expect(await commands.countBy({ agentId: auto.agent.id, status: 'pending', origin: 'automatic' })).toBe(1);
    expect(await commands.countBy({ agentId: manual.agent.id })).toBe(0);

    // The next pass five minutes later recommends the same move: the queued command stands.
    clock.advanceSeconds(300);
    await putSpotPrices(dataSource, clock, [{ instanceType: 'm5.large', az: 'eu-west-1b', price: 0.03 }]);
    expect((await app.get(DecisionLoopJob).run()).status).toBe('completed');
    expect(await commands.countBy({ agentId: auto.agent.id })).toBe(1);

    // Nobody claims it: ten minutes later it is stale.
    clock.advanceSeconds(301);
    expect(await app.get(CommandExpiryJob).run()).toEqual({ status: 'completed', summary: 'expired 1 stale command' });
    expect(await commands.countBy({ agentId: auto.agent.id, status: 'expired' })).toBe(1);
  });

  it('issues no automatic command while the global SAFE_MODE is on (recommendations are still recorded)', async () => {
    const auto = await insertClientWithAgent(dataSource, clock.now());
    await putSpotPrices(dataSource, clock, [{ instanceType: 'm5.large', az: 'eu-west-1b', price: 0.03 }]);
    const safeMode = app.get(SafeModeSwitch);
    await safeMode.set(true, { userId: '00000000-0000-4000-8000-000000000001', reason: 'drill' });
    const summary = await app.get(DecisionLoop).runOnce();
    expect(summary.outcomes['command-issued']).toBe(0);
    expect(summary.outcomes['recommendation-only']).toBeGreaterThanOrEqual(1);
    expect(await dataSource.getRepository(CommandEntity).countBy({ agentId: auto.agent.id })).toBe(0);
    expect(await app.get(ReplicaCoordinator).run()).toMatchObject({ created: 0, terminated: 0 });
    await safeMode.set(false, { userId: '00000000-0000-4000-8000-000000000001' });
    clock.advanceSeconds(1);
    expect((await app.get(DecisionLoop).runOnce()).outcomes['command-issued']).toBeGreaterThanOrEqual(1);
    expect(await dataSource.getRepository(CommandEntity).countBy({ agentId: auto.agent.id, origin: 'automatic' })).toBe(1);
  });

  it('snapshots yesterday for every client', async () => {
    const { client, instance } = await insertClientWithAgent(dataSource, new Date('2026-11-24T00:00:00Z'), { agent: { currentMode: 'spot', currentPoolId: 'm5.large.eu-west-1a' } });
    await dataSource.getRepository(InstanceEntity).update({ id: instance.id }, { spotPrice: 0.04, ondemandPrice: 0.107 });
    clock.set('2026-11-25T00:05:00.000Z');
    const outcome = await app.get(SavingsSnapshotJob).run();
    expect(outcome.status).toBe('completed');
    expect(outcome.status === 'completed' && outcome.summary).toMatch(/^savings of 2026-11-24 snapshotted for \d+ clients$/);
    const snapshot = await dataSource.getRepository(SavingsSnapshotEntity).findOneByOrFail({ clientId: client.id, snapshotDate: '2026-11-24' });
    expect(snapshot.savings).toBeCloseTo(24 * (0.107 - 0.04), 4);
    expect(snapshot.savingsPercent).toBeCloseTo(62.62, 2);
    expect((await dataSource.getRepository(ClientEntity).findOneByOrFail({ id: client.id })).totalSavings).toBeCloseTo((24 + 5 / 60) * (0.107 - 0.04), 4); // lifetime, up to 00:05
  });
});
