import { ApiActor, bearer, describeEachDatabase, freshInstanceId, putSpotPrices, startTestApi, TestApi } from '@spot/testing';
import { SwitchRecorder } from '@spot/decisions';
import { ReplicaCoordinator } from '@spot/replicas';

/**
 * Seed 004 Scenarios 2, 3 and 4 end to end over HTTP: the agent's calls, the replica agent's
 * calls, the portal's calls, and what the database holds afterwards.
 */

interface Agent {
  agentId: string;
  agentToken: string;
  instanceId: string;
}

const MARKET = [{ instanceType: 'm5.large', az: 'eu-west-1a', price: 0.04 }, { instanceType: 'm5.large', az: 'eu-west-1b', price: 0.045 }, { instanceType: 'm5.large', az: 'eu-west-1c', price: 0.05 }];

async function startWithMarket(db: Parameters<typeof startTestApi>[0]) {
  const api = await startTestApi(db);
  const actor = new ApiActor(api);
  const signup = await actor.signup('Scenario Co', `ops-${Math.random().toString(36).slice(2, 8)}@scenario.test`);
  await putSpotPrices(api.dataSource, api.clock, MARKET);
  const register = async (logicalId: string, az = 'eu-west-1a'): Promise<Agent> => {
    const instanceId = freshInstanceId();
    const agent = await actor.register(signup.clientToken, { logical_agent_id: logicalId, instance_id: instanceId, az, instance_type: 'm5.large', mode: 'spot' });
    return { agentId: agent.agentId, agentToken: agent.agentToken, instanceId };
  };
  return { api, actor, signup, register };
}

const rows = async (api: TestApi, sql: string, params: unknown[] = []) => api.dataSource.query(sql, params);

/** The replica's own agent: registers as the replica, reports its instance and sync progress to ready. */
async function bringReplicaUp(api: TestApi, clientToken: string, logicalId: string, agentId: string, replicaId: string): Promise<{ instanceId: string; token: string }> {
  const instanceId = freshInstanceId();
  const reg = await api
    .http()
    .post('/api/agents/register')
    .set(bearer(clientToken))
    .send({ logical_agent_id: logicalId, instance_id: instanceId, instance_type: 'm5.large', region: 'eu-west-1', az: 'eu-west-1b', mode: 'spot', replica_id: replicaId })
    .expect(201);
  expect(reg.body).toMatchObject({ agent_id: agentId, role: 'replica', replica_id: replicaId, created: false });
  const token = reg.body.agent_token;
  const syncing = await api.http().post(`/api/agents/${agentId}/replicas/${replicaId}/sync-status`).set(bearer(token)).send({ progress: 40, latency_ms: 50 }).expect(200);
  expect(syncing.body).toMatchObject({ status: 'syncing', sync_progress: 40, instance_id: instanceId });
  const ready = await api.http().post(`/api/agents/${agentId}/replicas/${replicaId}/sync-status`).set(bearer(token)).send({ progress: 100 }).expect(200);
  expect(ready.body.status === 'ready' || ready.body.status === 'promoted').toBe(true);
  return { instanceId, token };
}

describeEachDatabase('Scenario 2: rebalance recommendation', (db) => {
  let ctx: Awaited<ReturnType<typeof startWithMarket>>;

  beforeAll(async () => {
    ctx = await startWithMarket(db());
  });
  afterAll(async () => ctx?.api.close());

  it('scores a low-risk rebalance as monitor, then creates an emergency replica in the second-cheapest pool when the agent asks', async () => {
    const { api } = ctx;
    const web = await ctx.register('web-1');
    const low = await api.http().post(`/api/agents/${web.agentId}/rebalance-recommendation`).set(bearer(web.agentToken)).send({ instance_id: web.instanceId, notice_time: '2026-11-24T12:10:00Z' }).expect(200);
    expect(low.body).toMatchObject({ signal_type: 'rebalance-recommendation', response_action: 'monitor', duplicate: false, pool_id: 'm5.large.eu-west-1a', replica_id: null });
    expect(low.body.risk_score).toBeLessThanOrEqual(0.3);

    // Scenario 2 step 3: the agent computed > 30 % itself.
    const res = await api.http().post(`/api/agents/${web.agentId}/create-emergency-replica`).set(bearer(web.agentToken)).send({ instance_id: web.instanceId }).expect(200);
    expect(res.body).toMatchObject({ event_id: low.body.event_id, response_action: 'created-emergency-replica', queued: false });
    // The current pool (a) is the cheapest and is never chosen: the second cheapest (b) is.
    const [replica] = await rows(api, 'SELECT replica_type, status, pool_id, parent_instance_id FROM replica_instances WHERE id = ?', [res.body.replica_id]);
    expect(replica).toEqual({ replica_type: 'automatic-rebalance', status: 'launching', pool_id: 'm5.large.eu-west-1b', parent_instance_id: web.instanceId });
    const [event] = await rows(api, 'SELECT signal_type, response_action, replica_id FROM spot_interruption_events WHERE agent_id = ?', [web.agentId]);
    expect(event).toEqual({ signal_type: 'rebalance-recommendation', response_action: 'created-emergency-replica', replica_id: res.body.replica_id });
    const [agent] = await rows(api, 'SELECT replica_count, current_replica_id FROM agents WHERE id = ?', [web.agentId]);
    expect(Number(agent.replica_count)).toBe(1);
    expect(agent.current_replica_id).toBe(res.body.replica_id);
    const [command] = await rows(api, 'SELECT command_type, priority, status, origin FROM commands WHERE id = ?', [res.body.command_id]);
    expect(command).toEqual({ command_type: 'launch-replica', priority: 100, status: 'pending', origin: 'emergency' });

    // A retry, and the same signal from the replica: one event, no second replica.
    const again = await api.http().post(`/api/agents/${web.agentId}/create-emergency-replica`).set(bearer(web.agentToken)).send({ instance_id: web.instanceId, reported_by: 'replica' }).expect(200);
    expect(again.body).toMatchObject({ event_id: low.body.event_id, duplicate: true, replica_id: res.body.replica_id });
    expect(await rows(api, 'SELECT id FROM replica_instances WHERE agent_id = ?', [web.agentId])).toHaveLength(1);

    // Step 4: the replica boots, syncs and is ready (launching → syncing → ready).
    await bringReplicaUp(api, ctx.signup.clientToken, 'web-1', web.agentId, res.body.replica_id);
    const list = await api.http().get(`/api/agents/${web.agentId}/replicas`).set(bearer(ctx.signup.userToken)).expect(200);
    expect(list.body.items).toEqual([expect.objectContaining({ id: res.body.replica_id, status: 'ready', sync_progress: 100 })]);
  });

  it('creates the replica on its own when pool history makes the risk high, skipping pools the global risk tracker flagged', async () => {
    const { api } = ctx;
    // Three other instances in pool c were interrupted recently (they also flag pool c).
    for (const name of ['c-1', 'c-2', 'c-3']) {
      const other = await ctx.register(name, 'eu-west-1c');
      await api.http().post(`/api/agents/${other.agentId}/termination`).set(bearer(other.agentToken)).send({ instance_id: other.instanceId }).expect(200);
    }
    const target = await ctx.register('risky', 'eu-west-1c');
    const res = await api.http().post(`/api/agents/${target.agentId}/rebalance-recommendation`).set(bearer(target.agentToken)).send({ instance_id: target.instanceId }).expect(200);
    expect(res.body.risk_score).toBeGreaterThan(0.3);
    expect(res.body.response_action).toBe('created-emergency-replica');
    // a is flagged (web-1's rebalance) and c is the current pool: b it is.
    const [replica] = await rows(api, 'SELECT pool_id FROM replica_instances WHERE id = ?', [res.body.replica_id]);
    expect(replica.pool_id).toBe('m5.large.eu-west-1b');
  });
});

describeEachDatabase('Scenario 3: termination notice', (db) => {
  let ctx: Awaited<ReturnType<typeof startWithMarket>>;

  beforeAll(async () => {
    ctx = await startWithMarket(db());
  });
  afterAll(async () => ctx?.api.close());

  it('promotes the ready replica: same agent id on the new instance, switch recorded, failover time logged', async () => {
    const { api } = ctx;
    const web = await ctx.register('checkout');
    const created = await api.http().post(`/api/agents/${web.agentId}/create-emergency-replica`).set(bearer(web.agentToken)).send({ instance_id: web.instanceId }).expect(200);
    const replica = await bringReplicaUp(api, ctx.signup.clientToken, 'checkout', web.agentId, created.body.replica_id);

    api.clock.advanceSeconds(300);
    const res = await api
      .http()
      .post(`/api/agents/${web.agentId}/termination-imminent`)
      .set(bearer(web.agentToken))
      .send({ instance_id: web.instanceId, termination_time: '2026-11-24T12:07:00Z', replica_id: created.body.replica_id })
      .expect(200);
    expect(res.body).toMatchObject({
      signal_type: 'termination-notice',
      response_action: 'promoted-existing-replica',
      replica_id: created.body.replica_id,
      failover_completed: true,
      success: true,
      duplicate: false,
    });
    expect(res.body.failover_time_ms).toBeGreaterThanOrEqual(0);

    // The replica reports the same notice: one event.
    const dup = await api.http().post(`/api/agents/${web.agentId}/termination`).set(bearer(replica.token)).send({ instance_id: web.instanceId, reported_by: 'replica' }).expect(200);
    expect(dup.body).toMatchObject({ event_id: res.body.event_id, duplicate: true });

    const [event] = await rows(api, 'SELECT response_action, failover_completed, failover_time_ms, success FROM spot_interruption_events WHERE id = ?', [res.body.event_id]);
    expect(event.response_action).toBe('promoted-existing-replica');
    expect(Boolean(event.failover_completed)).toBe(true);
    expect(Boolean(event.success)).toBe(true);
    const [agent] = await rows(api, 'SELECT id, instance_id, current_pool_id, last_failover_at FROM agents WHERE id = ?', [web.agentId]);
    expect(agent).toMatchObject({ id: web.agentId, instance_id: replica.instanceId, current_pool_id: 'm5.large.eu-west-1b' });
    expect(agent.last_failover_at).not.toBeNull();
    const instances = await rows(api, 'SELECT instance_id, is_active FROM instances WHERE agent_id = ? ORDER BY created_at', [web.agentId]);
    expect(instances.map((i: { instance_id: string; is_active: unknown }) => [i.instance_id, Boolean(Number(i.is_active))])).toEqual([
      [web.instanceId, false],
      [replica.instanceId, true],
    ]);
    const [sw] = await rows(api, 'SELECT event_trigger, old_instance_id, new_instance_id, success FROM switches WHERE agent_id = ?', [web.agentId]);
    expect(sw).toMatchObject({ event_trigger: 'automatic-interruption-failover', old_instance_id: web.instanceId, new_instance_id: replica.instanceId });
    const [promote] = await rows(api, "SELECT priority, status FROM commands WHERE agent_id = ? AND command_type = 'promote-replica'", [web.agentId]);
    expect(promote).toEqual({ priority: 100, status: 'pending' });
    const [row] = await rows(api, 'SELECT status, promoted_at FROM replica_instances WHERE id = ?', [created.body.replica_id]);
    expect(row.status).toBe('promoted');

    // The replica's agent is now the agent: its heartbeats count.
    const beat = await api.http().post(`/api/agents/${web.agentId}/heartbeat`).set(bearer(replica.token)).send({ instance_id: replica.instanceId }).expect(200);
    expect(beat.body.current_instance_id).toBe(replica.instanceId);
  });

  it('without a replica takes the emergency path (snapshot + launch, priority 100) even with auto-switch and auto-replica off', async () => {
    const { api } = ctx;
    const web = await ctx.register('batch', 'eu-west-1b');
    await api.http().post(`/api/client/agents/${web.agentId}/config`).set(bearer(ctx.signup.userToken)).send({ auto_switch: false, auto_replica: false }).expect(200);
    const res = await api.http().post(`/api/agents/${web.agentId}/termination`).set(bearer(web.agentToken)).send({ instance_id: web.instanceId, action: 'terminate', termination_time: '2026-11-24T12:14:00Z' }).expect(200);
    expect(res.body).toMatchObject({ response_action: 'emergency-launch', failover_completed: false, queued: false });
    const [command] = await rows(api, 'SELECT command_type, priority, origin, payload FROM commands WHERE id = ?', [res.body.command_id]);
    expect(command).toMatchObject({ command_type: 'emergency-launch', priority: 100, origin: 'emergency' });
    expect(JSON.parse(command.payload)).toMatchObject({ snapshot: true, replica_id: res.body.replica_id, termination_time: '2026-11-24T12:14:00.000Z' });
    const [replica] = await rows(api, 'SELECT replica_type, pool_id FROM replica_instances WHERE id = ?', [res.body.replica_id]);
    expect(replica.replica_type).toBe('automatic-termination');
    expect(replica.pool_id).not.toBe('m5.large.eu-west-1b');

    // The launched instance comes up from the snapshot and takes over as soon as it is ready.
    const launched = await bringReplicaUp(api, ctx.signup.clientToken, 'batch', web.agentId, res.body.replica_id);
    const [event] = await rows(api, 'SELECT failover_completed, success FROM spot_interruption_events WHERE id = ?', [res.body.event_id]);
    expect(Boolean(event.failover_completed)).toBe(true);
    expect(Boolean(event.success)).toBe(true);
    const [agent] = await rows(api, 'SELECT instance_id FROM agents WHERE id = ?', [web.agentId]);
    expect(agent.instance_id).toBe(launched.instanceId);
    const [sw] = await rows(api, 'SELECT event_trigger FROM switches WHERE agent_id = ?', [web.agentId]);
    expect(sw.event_trigger).toBe('automatic-interruption-failover');

    // The old instance, still draining, reports a rebalance for itself: nothing to do.
    const late = await api.http().post(`/api/agents/${web.agentId}/rebalance-recommendation`).set(bearer(web.agentToken)).send({ instance_id: web.instanceId }).expect(200);
    expect(late.body).toMatchObject({ response_action: 'instance-replaced', replica_id: null, duplicate: false });
  });
});

describeEachDatabase('Scenario 4: manual replica creation and failover', (db) => {
  let ctx: Awaited<ReturnType<typeof startWithMarket>>;
  let web: Agent;

  beforeAll(async () => {
    ctx = await startWithMarket(db());
    web = await ctx.register('orders');
  });
  afterAll(async () => ctx?.api.close());

  const user = () => bearer(ctx.signup.userToken);
  const configure = (body: Record<string, unknown>) => ctx.api.http().post(`/api/client/agents/${web.agentId}/config`).set(user()).send(body);
  const live = async () =>
    (await ctx.api.http().get(`/api/client/${ctx.signup.clientId}/replicas?status=active&agent_id=${web.agentId}`).set(user()).expect(200)).body.items as Array<{ id: string; status: string; instance_id: string | null; pool_id: string }>;
  const coordinate = () => ctx.api.app.get(ReplicaCoordinator).run();

  it('keeps auto-switch and manual replica mode mutually exclusive, with the seed-001 messages', async () => {
    const refused = await ctx.api.http().post(`/api/agents/${web.agentId}/replicas`).set(user()).send({}).expect(409);
    expect(refused.body.details.code).toBe('MANUAL_REPLICA_DISABLED');

    const manualFirst = await configure({ manual_replica: true }).expect(409);
    expect(manualFirst.body).toMatchObject({ message: 'Cannot enable manual mode while auto-switch active', details: { code: 'MANUAL_REPLICA_CONFLICTS_WITH_AUTO_SWITCH' } });
    const ok = await configure({ manual_replica: true, auto_switch: false, auto_terminate: false }).expect(200);
    expect(ok.body).toMatchObject({ manual_replica_enabled: true, auto_switch_enabled: false, auto_terminate_enabled: false });
    const autoAgain = await configure({ auto_switch: true }).expect(409);
    expect(autoAgain.body).toMatchObject({ message: 'Cannot enable auto-switch while manual mode active', details: { code: 'AUTO_SWITCH_CONFLICTS_WITH_MANUAL_REPLICA' } });
    const bad = await configure({ terminate_wait_seconds: -5, auto_replica: 'yes' }).expect(400);
    expect(bad.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['auto_replica', 'terminate_wait_seconds']);
  });

  it('creates the replica in the cheapest allowed pool, keeps exactly one through promote with demotion, promote without, delete', async () => {
    const { api } = ctx;
    const res = await api
      .http()
      .post(`/api/agents/${web.agentId}/replicas`)
      .set(user())
      .send({ pool_id: null, exclude_zones: ['eu-west-1b'], created_by: 'admin@company.com' })
      .expect(201);
    // Current pool a is the cheapest; b is excluded: c.
    expect(res.body).toMatchObject({ replica_type: 'manual', status: 'launching', pool_id: 'm5.large.eu-west-1c', created_by: 'admin@company.com', placement_tier: 'same-type-other-az' });
    const second = await api.http().post(`/api/agents/${web.agentId}/replicas`).set(user()).send({ pool_id: 'm5.large.eu-west-1b' }).expect(409);
    expect(second.body.details.code).toBe('REPLICA_ALREADY_EXISTS');
    await coordinate();
    expect(await live()).toHaveLength(1);

    const first = await bringReplicaUp(api, ctx.signup.clientToken, 'orders', web.agentId, res.body.id);
    api.clock.advanceSeconds(3600);
    const promoted = await api.http().post(`/api/agents/${web.agentId}/replicas/${res.body.id}/promote`).set(user()).send({ demote_old_primary: true }).expect(200);
    expect(promoted.body.replica).toMatchObject({ id: res.body.id, status: 'promoted' });
    expect(promoted.body.next_replica).toMatchObject({ instance_id: web.instanceId, parent_instance_id: first.instanceId, status: 'syncing', replica_type: 'manual' });
    const [agent] = await rows(api, 'SELECT id, instance_id FROM agents WHERE id = ?', [web.agentId]);
    expect(agent).toEqual({ id: web.agentId, instance_id: first.instanceId });
    const [sw] = await rows(api, 'SELECT event_trigger FROM switches WHERE agent_id = ?', [web.agentId]);
    expect(sw.event_trigger).toBe('manual-replica-promotion');
    await coordinate();
    expect((await live()).map((r) => r.id)).toEqual([promoted.body.next_replica.id]);

    // Promote the demoted old primary back, this time without demotion: a new standby appears at once.
    await api.http().post(`/api/agents/${web.agentId}/replicas/${promoted.body.next_replica.id}/sync-status`).set(bearer(web.agentToken)).send({ progress: 100 }).expect(200);
    const back = await api.http().post(`/api/agents/${web.agentId}/replicas/${promoted.body.next_replica.id}/promote`).set(user()).send({}).expect(200);
    expect(back.body.next_replica).toMatchObject({ replica_type: 'manual', status: 'launching', parent_instance_id: web.instanceId });
    expect((await live()).map((r) => r.id)).toEqual([back.body.next_replica.id]);
    await coordinate();
    expect((await live()).map((r) => r.id)).toEqual([back.body.next_replica.id]);

    // Deleting the standby: the coordinator replaces it within its 10-second round.
    const deleted = await api.http().delete(`/api/agents/${web.agentId}/replicas/${back.body.next_replica.id}`).set(user()).expect(200);
    expect(deleted.body).toMatchObject({ status: 'terminated', is_active: false });
    expect(await live()).toHaveLength(0);
    await coordinate();
    expect(await live()).toHaveLength(1);

    // Leaving manual mode retires the standby.
    await configure({ manual_replica: false }).expect(200);
    await coordinate();
    expect(await live()).toHaveLength(0);
    // The standby hour was billed at the pool's price (0.05 $/h in pool c).
    const [cost] = await rows(api, 'SELECT hourly_price, cost, reason FROM replica_cost_log WHERE replica_id = ?', [res.body.id]);
    expect({ price: Number(cost.hourly_price), cost: Number(cost.cost), reason: cost.reason }).toEqual({ price: 0.05, cost: 0.05, reason: 'manual' });
  });

  it('replaces the standby of the old primary after a switch, so the new primary has exactly one', async () => {
    const { api } = ctx;
    await configure({ manual_replica: true }).expect(200);
    await coordinate();
    const [before] = await live();
    const [agent] = await rows(api, 'SELECT client_id FROM agents WHERE id = ?', [web.agentId]);
    const newInstanceId = freshInstanceId();
    await api.app.get(SwitchRecorder).record({ clientId: agent.client_id, agentId: web.agentId, newInstanceId, mode: 'spot', poolId: 'm5.large.eu-west-1b', trigger: 'manual', success: true });
    const report = await coordinate();
    expect(report).toMatchObject({ created: 1, terminated: 1 });
    const after = await live();
    expect(after).toHaveLength(1);
    expect(after[0].id).not.toBe(before.id);
    const [row] = await rows(api, 'SELECT parent_instance_id FROM replica_instances WHERE id = ?', [after[0].id]);
    expect(row.parent_instance_id).toBe(newInstanceId);
    await configure({ manual_replica: false }).expect(200);
    await coordinate();
  });

  it('refuses a promotion of a replica that is not ready, and answers 404 for another agent’s replica', async () => {
    const { api } = ctx;
    const other = await ctx.register('other');
    await configure({ manual_replica: true });
    const created = await api.http().post(`/api/agents/${web.agentId}/replicas`).set(user()).send({}).expect(201);
    const notReady = await api.http().post(`/api/agents/${web.agentId}/replicas/${created.body.id}/promote`).set(user()).send({}).expect(409);
    expect(notReady.body.details.code).toBe('REPLICA_NOT_READY');
    await api.http().post(`/api/agents/${other.agentId}/replicas/${created.body.id}/promote`).set(user()).send({}).expect(404);
    const badTransition = await api.http().post(`/api/agents/${web.agentId}/replicas/${created.body.id}/status`).set(user()).send({ status: 'ready' }).expect(409);
    expect(badTransition.body.details.code).toBe('REPLICA_INSTANCE_UNKNOWN');
    await api.http().post(`/api/agents/${web.agentId}/replicas/${created.body.id}/status`).set(user()).send({ status: 'promoted' }).expect(400);
  });
});
