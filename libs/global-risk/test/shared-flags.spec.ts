import { DataSource } from 'typeorm';
import { InMemoryCacheFactory, ManualClock } from '@spot/core';
import { GlobalRiskTracker, InterruptionHistory, RISK_FLAG_TTL_MS } from '@spot/global-risk';
import { insertRow, SpotInterruptionEventEntity } from '@spot/persistence';
import { describeEachDatabase, insertClientWithAgent, interruptionEventRow, openMigratedDataSource } from '@spot/testing';

/**
 * The API process records interruptions and raises flags; the scheduler's decision loop is
 * another process with its own cache. Through the interruption log it sees the same flags.
 */
describeEachDatabase('global risk flags across processes', (db) => {
  let dataSource: DataSource;
  const clock = new ManualClock('2026-11-24T10:00:00Z');
  const POOL = 'c5.xlarge.eu-west-1a';

  beforeAll(async () => {
    dataSource = await openMigratedDataSource(db());
  });
  afterAll(async () => {
    await dataSource?.destroy();
  });

  const process = () => new GlobalRiskTracker(new InMemoryCacheFactory(clock), clock, new InterruptionHistory(dataSource));

  it('a flag raised in one process is seen in another, counts included, and lapses after 30 minutes', async () => {
    const { agent } = await insertClientWithAgent(dataSource, clock.now());
    const api = process();
    const scheduler = process();
    // What the sentinel does in the API process: record the event, flag the pool.
    const event = interruptionEventRow(
      { id: 'e0000000-0000-4000-8000-00000000f001', clientId: agent.clientId, agentId: agent.id, instanceId: 'i-0000000000000f001', poolId: POOL, at: clock.now() },
      { actionTime: null, responseAction: 'emergency-launch' },
    );
    await insertRow(dataSource.manager, SpotInterruptionEventEntity, event);
    await api.flagPool({ region: 'eu-west-1', az: 'eu-west-1a', instanceType: 'c5.xlarge', signal: 'termination-notice' });

    expect(await scheduler.flaggedAmong([POOL, 'c5.xlarge.eu-west-1b'])).toEqual(new Set([POOL]));
    expect(await scheduler.recentInterruptions(POOL)).toBe(1);
    clock.advance(RISK_FLAG_TTL_MS + 1);
    expect(await scheduler.isFlagged(POOL)).toBe(false);
    expect(await api.isFlagged(POOL)).toBe(false);
    expect(await scheduler.recentInterruptions(POOL)).toBe(1);
  });
});
