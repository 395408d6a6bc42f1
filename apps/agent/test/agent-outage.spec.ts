import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ManualClock } from '@spot/core';
import { describeEachDatabase, startTestApi, TestApi, ApiActor } from '@spot/testing';
import { ControlPlaneClient, SpotAgent } from '../src';
import { FleetHarness } from './support/fleet-harness';

const rawCount = async (api: TestApi, agentId: string) => Number((await api.dataSource.query('SELECT COUNT(*) AS n FROM pricing_submissions_raw WHERE agent_id = ?', [agentId]))[0].n);

/**
 * The control plane goes away and comes back (a restart on the same database and port): the
 * agent keeps its reports on disk, delivers them afterwards in order, loses none and — with
 * the idempotency of the routes — counts none twice, also when an answer was lost in transit.
 * A long outage puts it in safe mode (seed 003 level 3).
 */
describeEachDatabase('agent across an API restart', (db) => {
  let api: TestApi;
  let port: number;
  let fleet: FleetHarness;
  let clientToken: string;
  const clock = new ManualClock('2026-11-24T12:00:00.000Z');

  const listen = async (target: TestApi, on = 0) => {
    await target.app.listen(on, '127.0.0.1');
    return ((target.app.getHttpServer() as Server).address() as AddressInfo).port;
  };

  beforeAll(async () => {
    api = await startTestApi(db(), { clock });
    fleet = new FleetHarness(clock);
    await fleet.start(api);
    port = ((api.app.getHttpServer() as Server).address() as AddressInfo).port;
    clientToken = (await new ApiActor(api).signup('Outage Inc', 'ops@outage.test')).clientToken;
  });
  afterAll(async () => {
    await fleet?.stop();
    await api?.close();
  });

  it('queues reports while the API is down, survives its own restart too, and delivers them in order once, after the API restarts', async () => {
    const instanceId = await fleet.launch('spot', 'm5.large', 'eu-west-1b');
    const agent = fleet.agentOn(instanceId, clientToken, 'batch-1', { safeModeAfterSeconds: 600 });
    const { agentId } = await agent.boot();
    expect(await agent.reportPricesOnce()).toMatchObject({ delivered: 1, remaining: 0 });
    expect(await rawCount(api, agentId)).toBe(5);

    await api.close();
    for (let i = 0; i < 3; i++) {
      clock.advanceSeconds(60);
      const outcome = await agent.reportPricesOnce();
      expect(outcome).toMatchObject({ delivered: 0, remaining: i + 1, error: { transient: true } });
      await expect(agent.heartbeatOnce()).rejects.toMatchObject({ transient: true });
    }
    expect(agent.inSafeMode).toBe(false);
    clock.advanceSeconds(10 * 60);
    await agent.heartbeatOnce().catch(() => undefined);
    expect(agent.inSafeMode).toBe(true);
    expect(fleet.logLines.some((l) => l.includes('[SAFE-MODE] [ENTER]'))).toBe(true);

    // A termination notice in safe mode: nobody to ask, so the agent launches an on-demand copy itself.
    fleet.cloud.scheduleInterruption(instanceId, { actionAt: new Date(clock.nowMs() + 120_000) });
    await agent.checkInterruptionsOnce();
    const replacement = fleet.cloud.listInstances().find((i) => i.tags['spot-optimizer:source'] === instanceId);
    expect(replacement).toMatchObject({ mode: 'on-demand', instanceType: 'm5.large', az: 'eu-west-1b', state: 'running' });
    expect(agent.queue.pending().map((r) => r.kind)).toEqual(['pricing-report', 'pricing-report', 'pricing-report', 'switch-report']);
    // The agent process restarts too: the queue is on disk.
    await agent.shutdown(100);
    const restarted: SpotAgent = fleet.agentOn(instanceId, clientToken, 'batch-1');
    expect(restarted.queue.pending().map((r) => r.kind)).toEqual(['pricing-report', 'pricing-report', 'pricing-report', 'switch-report']);
    const sentAt = restarted.queue.pending().filter((r) => r.kind === 'pricing-report').map((r) => (r.body.observations as Array<{ observed_at: string }>)[0].observed_at);
    expect([...sentAt].sort()).toEqual(sentAt);

    api = await startTestApi(db(), { clock });
    expect(await listen(api, port)).toBe(port);
    await restarted.boot(); // registers again and flushes the queue first
    expect(restarted.queue.size).toBe(0);
    expect(await rawCount(api, agentId)).toBe(5 * 4);
    const observed: Array<{ observed_at: string | Date }> = await api.dataSource.query('SELECT DISTINCT observed_at FROM pricing_submissions_raw WHERE agent_id = ? ORDER BY observed_at', [agentId]);
    expect(observed).toHaveLength(4);
    // The safe-mode failover is on record once the control plane is back.
    const [sw] = await api.dataSource.query('SELECT new_instance_id, new_mode FROM switches WHERE agent_id = ?', [agentId]);
    expect(sw).toEqual({ new_instance_id: replacement?.instanceId, new_mode: 'on-demand' });
    const [row] = await api.dataSource.query('SELECT instance_id FROM agents WHERE id = ?', [agentId]);
    expect(row.instance_id).toBe(replacement?.instanceId);
  });

  it('a report whose answer was lost is sent again with the same key and not counted twice', async () => {
    const instanceId = await fleet.launch('spot', 'm5.large', 'eu-west-1c');
    const agent = fleet.agentOn(instanceId, clientToken, 'batch-2');
    const { agentId } = await agent.boot();
    // The request reaches the API, the answer does not reach the agent.
    let dropAnswers = true;
    const flaky: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (dropAnswers && String(input).includes('pricing-report')) throw new TypeError('socket hang up');
      return response;
    };
    Object.assign(agent.sender, { client: new ControlPlaneClient(fleet.apiUrl, flaky) });
    expect(await agent.reportPricesOnce()).toMatchObject({ delivered: 0, remaining: 1 });
    expect(await rawCount(api, agentId)).toBe(5);

    dropAnswers = false;
    const key = agent.queue.head()?.key;
    expect(await agent.sender.flush()).toMatchObject({ delivered: 1, remaining: 0 });
    expect(await rawCount(api, agentId)).toBe(5);
    const answer = [...agent.sender.answers.values()].pop() as { stored: number; duplicates: number };
    expect(answer).toMatchObject({ stored: 0, duplicates: 5 });
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('runs its loops on the configured cadence and shuts down gracefully: loops and timers stop, the queue is flushed', async () => {
    const instanceId = await fleet.launch('spot', 'm5.large', 'eu-west-1a');
    const agent = fleet.agentOn(instanceId, clientToken, 'batch-3');
    const { agentId } = await agent.boot();
    agent.start();
    await fleet.timers.settle(); // the first round of every loop
    expect(await rawCount(api, agentId)).toBe(5);
    clock.advanceSeconds(60);
    await fleet.timers.settle(); // heartbeat and pricing again (60 s), commands (30 s), notices (5 s)
    expect(await rawCount(api, agentId)).toBe(10);
    expect(fleet.timers.scheduled).toBeGreaterThanOrEqual(5);

    await agent.shutdown(1000);
    expect(fleet.timers.scheduled).toBe(0);
    expect(agent.queue.size).toBe(0);
    expect(fleet.logLines.some((l) => l.includes('[SHUTDOWN] [SUCCESS]'))).toBe(true);
    clock.advanceSeconds(120);
    await fleet.timers.settle();
    expect(await rawCount(api, agentId)).toBe(10);
  });
});
