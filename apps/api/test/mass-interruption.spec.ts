import { EmergencyFallback } from '@spot/sentinel';
import { ApiActor, bearer, describeEachDatabase, freshInstanceId, putSpotPrices, startTestApi, TestApi } from '@spot/testing';

/**
 * A mass interruption: 100 agents of 4 clients in one pool get termination notices at once
 * (each reported twice, by primary and replica), then 10 rebalance requests arrive. Every agent
 * gets exactly one emergency launch, no launch is duplicated, each client's launches keep to its
 * RunInstances-sized token bucket (docs/emergency-admission.md), every termination is admitted
 * inside its 2-minute notice, a client's terminations leave the queue before its rebalances,
 * none is dropped.
 */
const BURST = 5;
const PER_MINUTE = 90;
const NOTICE_MS = 120_000;
const POOL = 'm5.large.eu-west-1a';

describeEachDatabase('mass interruption', (db) => {
  let api: TestApi;
  const terminated: Array<{ agentId: string; token: string; clientId: string; instanceId: string }> = [];
  const rebalanced: Array<{ agentId: string; token: string; clientId: string; instanceId: string }> = [];

  beforeAll(async () => {
    api = await startTestApi(db(), {
      env: { EMERGENCY_LAUNCH_BURST: String(BURST), EMERGENCY_LAUNCHES_PER_MINUTE: String(PER_MINUTE) },
    });
    const actor = new ApiActor(api);
    const admin = await actor.adminToken();
    await putSpotPrices(api.dataSource, api.clock, [{ instanceType: 'm5.large', az: 'eu-west-1a', price: 0.04 }, { instanceType: 'm5.large', az: 'eu-west-1b', price: 0.045 }, { instanceType: 'm5.large', az: 'eu-west-1c', price: 0.05 }]);
    for (let c = 0; c < 4; c++) {
      const client = await actor.createClient(admin, { name: `Fleet ${c}`, max_agents: 100, max_instances: 200 });
      for (let i = 0; i < 28; i++) {
        const instanceId = freshInstanceId();
        const agent = await actor.register(client.clientToken, { logical_agent_id: `w-${i}`, instance_id: instanceId, az: 'eu-west-1a', instance_type: 'm5.large', mode: 'spot' });
        (i < 25 ? terminated : rebalanced).push({ agentId: agent.agentId, token: agent.agentToken, clientId: client.id, instanceId });
      }
    }
    rebalanced.splice(10);
  });

  afterAll(async () => api?.close());

  const events = async () =>
    (await api.dataSource.query('SELECT agent_id, client_id, signal_type, response_action, detected_at, action_at FROM spot_interruption_events')) as Array<{
      agent_id: string;
      client_id: string;
      signal_type: string;
      response_action: string;
      detected_at: string | Date;
      action_at: string | Date | null;
    }>;

  it('launches for every agent exactly once, within the limits, terminations first, dropping nothing', async () => {
    const notices = terminated.flatMap((a) => [
      api.http().post(`/api/agents/${a.agentId}/termination`).set(bearer(a.token)).send({ instance_id: a.instanceId }),
      api.http().post(`/api/agents/${a.agentId}/termination`).set(bearer(a.token)).send({ instance_id: a.instanceId, reported_by: 'replica' }),
    ]);
    const answers = await Promise.all(notices);
    expect(answers.every((r) => r.status === 200)).toBe(true);
    for (const a of rebalanced) await api.http().post(`/api/agents/${a.agentId}/create-emergency-replica`).set(bearer(a.token)).send({ instance_id: a.instanceId }).expect(200);

    let rows = await events();
    expect(rows).toHaveLength(110);
    expect(rows.filter((r) => r.response_action === 'emergency-launch')).toHaveLength(4 * BURST); // each client's burst
    expect(rows.filter((r) => r.response_action === 'queued')).toHaveLength(110 - 4 * BURST);

    // The emergency-queue job, every 2 s of virtual time (its cron).
    const fallback = api.app.get(EmergencyFallback);
    for (let run = 1; run <= NOTICE_MS / 2000 && rows.some((r) => r.response_action === 'queued'); run++) {
      api.clock.advance(2000);
      await fallback.drainQueue();
      rows = await events();
    }
    expect(rows.filter((r) => r.response_action === 'queued')).toHaveLength(0);
    expect(rows.filter((r) => r.signal_type === 'termination-notice').every((r) => r.response_action === 'emergency-launch')).toBe(true);
    expect(rows.filter((r) => r.signal_type === 'rebalance-recommendation').every((r) => r.response_action === 'created-emergency-replica')).toBe(true);

    // Every termination admitted inside its notice.
    const at = (r: { action_at: string | Date | null }) => new Date(r.action_at as string).getTime();
    for (const r of rows.filter((x) => x.signal_type === 'termination-notice')) expect(at(r) - new Date(r.detected_at).getTime()).toBeLessThanOrEqual(NOTICE_MS);

    // Each client's bucket: in any span of its launches, at most the burst plus the refill over it.
    for (const clientId of new Set(rows.map((r) => r.client_id))) {
      const times = rows.filter((r) => r.client_id === clientId).map(at).sort((a, b) => a - b);
      for (let i = 0; i < times.length; i++) {
        for (let j = i; j < times.length; j++) expect(j - i + 1).toBeLessThanOrEqual(BURST + Math.floor(((times[j] - times[i]) / 60_000) * PER_MINUTE + 1e-9));
      }
    }

    // Within each client's limit, its terminations were released before any of its rebalances.
    for (const clientId of new Set(rows.map((r) => r.client_id))) {
      const mine = rows.filter((r) => r.client_id === clientId);
      const lastTermination = Math.max(...mine.filter((r) => r.signal_type === 'termination-notice').map(at));
      const firstRebalance = Math.min(...mine.filter((r) => r.signal_type === 'rebalance-recommendation').map(at));
      if (Number.isFinite(firstRebalance)) expect(firstRebalance).toBeGreaterThanOrEqual(lastTermination);
    }

    // Exactly one replica and one launch command per agent: no duplicates.
    const replicas = await api.dataSource.query('SELECT agent_id, replica_type, pool_id FROM replica_instances');
    expect(replicas).toHaveLength(110);
    expect(new Set(replicas.map((r: { agent_id: string }) => r.agent_id)).size).toBe(110);
    expect(replicas.every((r: { pool_id: string | null }) => r.pool_id !== POOL)).toBe(true);
    const commands = await api.dataSource.query("SELECT agent_id, command_type, priority FROM commands WHERE command_type IN ('emergency-launch', 'launch-replica')");
    expect(commands).toHaveLength(110);
    expect(new Set(commands.map((c: { agent_id: string }) => c.agent_id)).size).toBe(110);
    expect(commands.every((c: { priority: number }) => Number(c.priority) === 100)).toBe(true);
  });
});
