import { ApiActor, bearer, describeEachDatabase, freshInstanceId, putSpotPrices, startTestApi, TestApi } from '@spot/testing';

/**
 * Issue 22, finding 2: a notice belongs to the instance AWS raised it for. After a failover, the
 * old notice re-sent (without or with the old instance id) must not launch anything for the
 * promoted, healthy instance.
 */
describeEachDatabase('interruption notices are bound to their instance', (db) => {
  let api: TestApi;
  let actor: ApiActor;
  let signup: { userToken: string; clientId: string; clientToken: string };

  beforeAll(async () => {
    api = await startTestApi(db());
    actor = new ApiActor(api);
    signup = await actor.signup('Notice Co', 'ops@notice.test');
    await putSpotPrices(api.dataSource, api.clock, [
      { instanceType: 'm5.large', az: 'eu-west-1a', price: 0.04 },
      { instanceType: 'm5.large', az: 'eu-west-1b', price: 0.045 },
    ]);
  });
  afterAll(async () => api?.close());

  const count = async (sql: string, params: unknown[]) => Number((await api.dataSource.query(sql, params))[0].n);

  it('answers a re-sent notice after a failover without launching anything', async () => {
    const oldInstance = freshInstanceId();
    const web = await actor.register(signup.clientToken, { logical_agent_id: 'web', instance_id: oldInstance, az: 'eu-west-1a', mode: 'spot' });
    const agentId = web.agentId;
    const created = await api.http().post(`/api/agents/${agentId}/create-emergency-replica`).set(bearer(web.agentToken)).send({ instance_id: oldInstance }).expect(200);
    const replicaId = created.body.replica_id;
    const newInstance = freshInstanceId();
    const reg = await api
      .http()
      .post('/api/agents/register')
      .set(bearer(signup.clientToken))
      .send({ logical_agent_id: 'web', instance_id: newInstance, instance_type: 'm5.large', region: 'eu-west-1', az: 'eu-west-1b', mode: 'spot', replica_id: replicaId })
      .expect(201);
    await api.http().post(`/api/agents/${agentId}/replicas/${replicaId}/sync-status`).set(bearer(reg.body.agent_token)).send({ progress: 100 }).expect(200);

    const failover = await api.http().post(`/api/agents/${agentId}/termination-imminent`).set(bearer(web.agentToken)).send({ instance_id: oldInstance }).expect(200);
    expect(failover.body).toMatchObject({ response_action: 'promoted-existing-replica', instance_id: oldInstance, failover_completed: true });
    const before = {
      replicas: await count('SELECT COUNT(*) AS n FROM replica_instances WHERE agent_id = ?', [agentId]),
      launches: await count("SELECT COUNT(*) AS n FROM commands WHERE agent_id = ? AND command_type IN ('emergency-launch', 'launch-replica')", [agentId]),
      events: await count('SELECT COUNT(*) AS n FROM spot_interruption_events WHERE agent_id = ?', [agentId]),
    };

    // Re-sent without instance_id (the black-box run's case): refused, naming the field.
    for (const route of ['termination', 'termination-imminent', 'interruption', 'rebalance-recommendation', 'create-emergency-replica']) {
      const bare = await api.http().post(`/api/agents/${agentId}/${route}`).set(bearer(web.agentToken)).send({}).expect(400);
      expect(bare.body.details.fields).toEqual([{ field: 'instance_id', problems: ['instance_id is required'] }]);
    }
    // Re-sent with the old instance id, by the old primary or on another route: the first event.
    for (const route of ['termination', 'termination-imminent', 'interruption']) {
      const again = await api.http().post(`/api/agents/${agentId}/${route}`).set(bearer(web.agentToken)).send({ instance_id: oldInstance }).expect(200);
      expect(again.body).toMatchObject({ event_id: failover.body.event_id, duplicate: true, response_action: 'promoted-existing-replica' });
    }
    // Another notice for the instance the workload left: instance-replaced, nothing launched.
    const rebalance = await api.http().post(`/api/agents/${agentId}/create-emergency-replica`).set(bearer(web.agentToken)).send({ instance_id: oldInstance }).expect(200);
    expect(rebalance.body.event_id).toBe(created.body.event_id);
    const stranger = freshInstanceId();
    const unknown = await api.http().post(`/api/agents/${agentId}/termination`).set(bearer(web.agentToken)).send({ instance_id: stranger }).expect(200);
    expect(unknown.body).toMatchObject({ response_action: 'instance-replaced', replica_id: null, command_id: null, duplicate: false });

    expect({
      replicas: await count('SELECT COUNT(*) AS n FROM replica_instances WHERE agent_id = ?', [agentId]),
      launches: await count("SELECT COUNT(*) AS n FROM commands WHERE agent_id = ? AND command_type IN ('emergency-launch', 'launch-replica')", [agentId]),
      events: await count('SELECT COUNT(*) AS n FROM spot_interruption_events WHERE agent_id = ?', [agentId]),
    }).toEqual({ ...before, events: before.events + 1 });
    const [agent] = await api.dataSource.query('SELECT instance_id FROM agents WHERE id = ?', [agentId]);
    expect(agent.instance_id).toBe(newInstance);
  });
});
