import { GlobalRiskTracker, RISK_FLAG_TTL_MS } from '@spot/global-risk';
import { ApiActor, bearer, describeEachDatabase, freshInstanceId, putSpotPrices, startTestApi, TestApi } from '@spot/testing';

/**
 * Seed 003 hive mind through the product: one client's interruption keeps every client's
 * replicas out of that pool for 30 minutes (virtual clock); pool choice falls back to another
 * AZ, then another type, then on-demand.
 */
describeEachDatabase('global risk flags in replica placement', (db) => {
  let api: TestApi;
  let actor: ApiActor;
  let first: { clientToken: string; userToken: string };
  let second: { clientToken: string; userToken: string };

  beforeAll(async () => {
    api = await startTestApi(db());
    actor = new ApiActor(api);
    first = await actor.signup('First Co', 'ops@first.test');
    second = await actor.signup('Second Co', 'ops@second.test');
    await putSpotPrices(api.dataSource, api.clock, [
      { instanceType: 'm5.large', az: 'eu-west-1a', price: 0.04 },
      { instanceType: 'm5.large', az: 'eu-west-1b', price: 0.045 },
      { instanceType: 'm5.large', az: 'eu-west-1c', price: 0.05 },
      { instanceType: 'm5a.large', az: 'eu-west-1a', price: 0.041 },
    ]);
  });
  afterAll(async () => api?.close());

  const agentIn = async (tenant: { clientToken: string; userToken: string }, name: string, az: string) => {
    const instanceId = freshInstanceId();
    const agent = { ...(await actor.register(tenant.clientToken, { logical_agent_id: name, instance_id: instanceId, az, instance_type: 'm5.large', mode: 'spot' })), instanceId };
    await api.http().post(`/api/client/agents/${agent.agentId}/config`).set(bearer(tenant.userToken)).send({ manual_replica: true, auto_switch: false, auto_terminate: false }).expect(200);
    return agent;
  };
  const createReplica = (tenant: { userToken: string }, agentId: string, body: Record<string, unknown> = {}) =>
    api.http().post(`/api/agents/${agentId}/replicas`).set(bearer(tenant.userToken)).send(body);
  const terminate = (agent: { agentId: string; agentToken: string; instanceId: string }) =>
    api.http().post(`/api/agents/${agent.agentId}/termination`).set(bearer(agent.agentToken)).send({ instance_id: agent.instanceId }).expect(200);

  it("keeps another client's replicas out of an interrupted pool for exactly 30 minutes", async () => {
    const interrupted = await agentIn(first, 'victim', 'eu-west-1a');
    await terminate(interrupted);
    const flags = await api.app.get(GlobalRiskTracker).activeFlags();
    expect(flags).toEqual([expect.objectContaining({ poolId: 'm5.large.eu-west-1a', count: 1, lastSignal: 'termination-notice' })]);

    const other = await agentIn(second, 'bystander', 'eu-west-1b');
    const refused = await createReplica(second, other.agentId, { pool_id: 'm5.large.eu-west-1a' }).expect(409);
    expect(refused.body.details.code).toBe('POOL_FLAGGED');
    const chosen = await createReplica(second, other.agentId).expect(201);
    expect(chosen.body.pool_id).toBe('m5.large.eu-west-1c');
    await api.http().delete(`/api/agents/${other.agentId}/replicas/${chosen.body.id}`).set(bearer(second.userToken)).expect(200);

    api.clock.advance(RISK_FLAG_TTL_MS - 1000);
    expect((await createReplica(second, other.agentId).expect(201)).body.pool_id).toBe('m5.large.eu-west-1c');
    const [live] = (await api.http().get(`/api/agents/${other.agentId}/replicas`).set(bearer(second.userToken)).expect(200)).body.items;
    await api.http().delete(`/api/agents/${other.agentId}/replicas/${live.id}`).set(bearer(second.userToken)).expect(200);

    api.clock.advance(1000);
    expect(await api.app.get(GlobalRiskTracker).activeFlags()).toEqual([]);
    const after = await createReplica(second, other.agentId).expect(201);
    expect(after.body.pool_id).toBe('m5.large.eu-west-1a');
  });

  it('falls back to another AZ, then another instance type, then on-demand as pools get flagged', async () => {
    api.clock.advance(RISK_FLAG_TTL_MS);
    const target = await agentIn(first, 'fallback', 'eu-west-1b');
    // Interruptions in a and c (b is the target's own pool).
    await terminate(await agentIn(second, 'in-a', 'eu-west-1a'));
    await terminate(await agentIn(second, 'in-c', 'eu-west-1c'));
    const otherType = await createReplica(first, target.agentId).expect(201);
    expect(otherType.body).toMatchObject({ pool_id: 'm5a.large.eu-west-1a', instance_type: 'm5a.large', placement_tier: 'other-type' });
    await api.http().delete(`/api/agents/${target.agentId}/replicas/${otherType.body.id}`).set(bearer(first.userToken)).expect(200);

    const typeInstance = freshInstanceId();
    const typeAgent = { ...(await actor.register(second.clientToken, { logical_agent_id: 'in-m5a', instance_id: typeInstance, az: 'eu-west-1a', instance_type: 'm5a.large', mode: 'spot' })), instanceId: typeInstance };
    await terminate(typeAgent);
    const onDemand = await createReplica(first, target.agentId).expect(201);
    expect(onDemand.body).toMatchObject({ pool_id: null, instance_type: 'm5.large', placement_tier: 'on-demand' });
  });
});
