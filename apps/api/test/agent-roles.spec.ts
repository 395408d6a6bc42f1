import { ApiActor, bearer, describeEachDatabase, freshInstanceId, putSpotPrices, startTestApi, TestApi } from '@spot/testing';

/**
 * Issue 13: the control plane decides which instance is the primary, and registration answers
 * the agent's current role. An agent restarting on an instance the workload has left (systemd
 * restart, crash, upgrade during the terminate wait) is told it is retired and changes nothing;
 * a promoted replica's agent, whose user data still carries SPOT_REPLICA_ID, is the primary.
 * All through HTTP, as the agents call it.
 */

const MARKET = [
  { instanceType: 'm5.large', az: 'eu-west-1a', price: 0.04 },
  { instanceType: 'm5.large', az: 'eu-west-1b', price: 0.045 },
  { instanceType: 'm5.large', az: 'eu-west-1c', price: 0.05 },
];

interface Placed {
  agentId: string;
  agentToken: string;
  instanceId: string;
}

const rows = (api: TestApi, sql: string, params: unknown[] = []) => api.dataSource.query(sql, params);
const flag = (value: unknown) => Boolean(Number(value));

describeEachDatabase('registration answers the current role', (db) => {
  let api: TestApi;
  let clientToken: string;

  beforeAll(async () => {
    api = await startTestApi(db());
    const signup = await new ApiActor(api).signup('Roles Co', `ops-${Math.random().toString(36).slice(2, 8)}@roles.test`);
    clientToken = signup.clientToken;
    await putSpotPrices(api.dataSource, api.clock, MARKET);
  });
  afterAll(async () => api?.close());

  const register = (body: Record<string, unknown>) =>
    api.http().post('/api/agents/register').set(bearer(clientToken)).send({ instance_type: 'm5.large', region: 'eu-west-1', az: 'eu-west-1a', mode: 'spot', ...body });

  const placeAgent = async (logicalId: string): Promise<Placed> => {
    const instanceId = freshInstanceId();
    const res = await register({ logical_agent_id: logicalId, instance_id: instanceId }).expect(201);
    expect(res.body.role).toBe('primary');
    return { agentId: res.body.agent_id, agentToken: res.body.agent_token, instanceId };
  };

  it("answers retired to the old instance's agent restarting in the terminate wait after a switch, and the new instance stays the primary", async () => {
    const old = await placeAgent('checkout');
    // The switch: the new instance's agent registers, the old one reports the switch.
    const newInstanceId = freshInstanceId();
    api.clock.advanceSeconds(60);
    const switchedAt = api.clock.now();
    const fresh = await register({ logical_agent_id: 'checkout', instance_id: newInstanceId, az: 'eu-west-1b' }).expect(201);
    expect(fresh.body).toMatchObject({ agent_id: old.agentId, role: 'primary', instance_changed: true, replica_id: null });
    await api
      .http()
      .post(`/api/agents/${old.agentId}/switch-report`)
      .set(bearer(old.agentToken))
      .send({ new_instance_id: newInstanceId, mode: 'spot', pool_id: 'm5.large.eu-west-1b', success: true, downtime_ms: 2000 })
      .expect(200);

    // systemd restarts the old agent 20 s later, inside the 300 s terminate wait.
    api.clock.advanceSeconds(20);
    const restarted = await register({ logical_agent_id: 'checkout', instance_id: old.instanceId }).expect(201);
    expect(restarted.body).toMatchObject({
      agent_id: old.agentId,
      role: 'retired',
      retired_reason: 'instance-replaced',
      terminate_at: new Date(switchedAt.getTime() + 300_000).toISOString(),
      instance_changed: false,
      created: false,
      replica_id: null,
    });
    expect(typeof restarted.body.agent_token).toBe('string');

    const [agent] = await rows(api, 'SELECT instance_id, az FROM agents WHERE id = ?', [old.agentId]);
    expect(agent).toEqual({ instance_id: newInstanceId, az: 'eu-west-1b' });
    const instances = await rows(api, 'SELECT instance_id, is_active, terminate_after FROM instances WHERE agent_id = ? ORDER BY created_at, instance_id', [old.agentId]);
    type Row = { instance_id: string; is_active: unknown; terminate_after: string | Date };
    const byId = new Map<string, Row>(instances.map((i: Row) => [i.instance_id, i]));
    expect(flag(byId.get(newInstanceId)?.is_active)).toBe(true);
    expect(flag(byId.get(old.instanceId)?.is_active)).toBe(false);
    expect(new Date(byId.get(old.instanceId)?.terminate_after as string).toISOString()).toBe(new Date(switchedAt.getTime() + 300_000).toISOString());

    // The old agent's heartbeat does not make its instance current; the new agent's restart is a restart.
    const beat = await api.http().post(`/api/agents/${old.agentId}/heartbeat`).set(bearer(restarted.body.agent_token)).send({ instance_id: old.instanceId }).expect(200);
    expect(beat.body.current_instance_id).toBe(newInstanceId);
    const again = await register({ logical_agent_id: 'checkout', instance_id: newInstanceId, az: 'eu-west-1b' }).expect(201);
    expect(again.body).toMatchObject({ role: 'primary', instance_changed: false });

    // After the wait (the instance should be gone, but its agent came back once more): still retired.
    api.clock.advanceSeconds(900);
    const late = await register({ logical_agent_id: 'checkout', instance_id: old.instanceId }).expect(201);
    expect(late.body.role).toBe('retired');
    const [still] = await rows(api, 'SELECT instance_id FROM agents WHERE id = ?', [old.agentId]);
    expect(still.instance_id).toBe(newInstanceId);
    const [event] = await rows(api, "SELECT COUNT(*) AS n FROM system_events WHERE agent_id = ? AND event_type = 'agent.retired_registration'", [old.agentId]);
    expect(Number(event.n)).toBe(2);
  });

  it('answers terminate_at null when auto-terminate is off', async () => {
    const old = await placeAgent('reports');
    const signin = await new ApiActor(api).signup('Other Roles Co', `other-${Math.random().toString(36).slice(2, 8)}@roles.test`);
    // Tenancy: another client's user cannot change this agent's settings.
    await api.http().post(`/api/client/agents/${old.agentId}/config`).set(bearer(signin.userToken)).send({ auto_terminate: false }).expect(404);
    await api.http().post(`/api/client/agents/${old.agentId}/config`).set(bearer(clientToken)).send({ auto_switch: false, auto_terminate: false }).expect(200);
    await register({ logical_agent_id: 'reports', instance_id: freshInstanceId() }).expect(201);
    const restarted = await register({ logical_agent_id: 'reports', instance_id: old.instanceId }).expect(201);
    expect(restarted.body).toMatchObject({ role: 'retired', terminate_at: null });
  });

  it("answers primary to a promoted replica's agent that still registers with its replica_id, and retired to the old primary", async () => {
    const web = await placeAgent('payments');
    const created = await api.http().post(`/api/agents/${web.agentId}/create-emergency-replica`).set(bearer(web.agentToken)).send({ instance_id: web.instanceId }).expect(200);
    const replicaId = created.body.replica_id as string;
    const replicaInstanceId = freshInstanceId();
    const asReplica = { logical_agent_id: 'payments', instance_id: replicaInstanceId, az: 'eu-west-1b', replica_id: replicaId };
    const reg = await register(asReplica).expect(201);
    expect(reg.body).toMatchObject({ agent_id: web.agentId, role: 'replica', replica_id: replicaId });
    await api.http().post(`/api/agents/${web.agentId}/replicas/${replicaId}/sync-status`).set(bearer(reg.body.agent_token)).send({ progress: 100 }).expect(200);
    await api
      .http()
      .post(`/api/agents/${web.agentId}/termination-imminent`)
      .set(bearer(web.agentToken))
      .send({ instance_id: web.instanceId, termination_time: '2026-11-24T12:30:00Z', replica_id: replicaId })
      .expect(200)
      .expect((res) => expect(res.body.response_action).toBe('promoted-existing-replica'));

    // The promoted replica's agent restarts: its user data still says SPOT_REPLICA_ID.
    api.clock.advanceSeconds(30);
    const restarted = await register(asReplica).expect(201);
    expect(restarted.body).toMatchObject({ agent_id: web.agentId, role: 'primary', instance_changed: false, created: false, replica_id: null });
    expect(restarted.body.retired_reason).toBeUndefined();
    const [agent] = await rows(api, 'SELECT instance_id FROM agents WHERE id = ?', [web.agentId]);
    expect(agent.instance_id).toBe(replicaInstanceId);
    // As the primary its heartbeats count.
    const beat = await api.http().post(`/api/agents/${web.agentId}/heartbeat`).set(bearer(restarted.body.agent_token)).send({ instance_id: replicaInstanceId }).expect(200);
    expect(beat.body.current_instance_id).toBe(replicaInstanceId);

    const oldPrimary = await register({ logical_agent_id: 'payments', instance_id: web.instanceId }).expect(201);
    expect(oldPrimary.body).toMatchObject({ role: 'retired', retired_reason: 'instance-replaced' });
    const [after] = await rows(api, 'SELECT instance_id FROM agents WHERE id = ?', [web.agentId]);
    expect(after.instance_id).toBe(replicaInstanceId);
  });

  it('answers retired to the agent of a replica that ended, and replica to a demoted old primary', async () => {
    const web = await placeAgent('search');
    const created = await api.http().post(`/api/agents/${web.agentId}/create-emergency-replica`).set(bearer(web.agentToken)).send({ instance_id: web.instanceId }).expect(200);
    const replicaId = created.body.replica_id as string;
    const replicaInstanceId = freshInstanceId();
    const asReplica = { logical_agent_id: 'search', instance_id: replicaInstanceId, az: 'eu-west-1b', replica_id: replicaId };
    const reg = await register(asReplica).expect(201);
    await api.http().post(`/api/agents/${web.agentId}/replicas/${replicaId}/sync-status`).set(bearer(reg.body.agent_token)).send({ progress: 100 }).expect(200);
    const promoted = await api.http().post(`/api/agents/${web.agentId}/replicas/${replicaId}/promote`).set(bearer(clientToken)).send({ demote_old_primary: true }).expect(200);
    const standbyId = promoted.body.next_replica?.id ?? promoted.body.next_replica_id;
    expect(typeof standbyId).toBe('string');

    // The old primary stays on as the standby: its agent restarting (no SPOT_REPLICA_ID) is that replica.
    const demoted = await register({ logical_agent_id: 'search', instance_id: web.instanceId }).expect(201);
    expect(demoted.body).toMatchObject({ agent_id: web.agentId, role: 'replica', replica_id: standbyId });
    const [agent] = await rows(api, 'SELECT instance_id FROM agents WHERE id = ?', [web.agentId]);
    expect(agent.instance_id).toBe(replicaInstanceId);

    // The standby is deleted; its agent registering with that replica id is retired, not 409.
    await api.http().delete(`/api/agents/${web.agentId}/replicas/${standbyId}`).set(bearer(clientToken)).expect(200);
    const ended = await register({ logical_agent_id: 'search', instance_id: web.instanceId, replica_id: standbyId }).expect(201);
    expect(ended.body).toMatchObject({ role: 'retired', retired_reason: 'replica-ended', terminate_at: api.clock.now().toISOString(), replica_id: standbyId });
  });
});
