import { ApiActor, bearer, describeEachDatabase, freshInstanceId, putSpotPrices, startTestApi, TestApi } from '@spot/testing';

/**
 * Issue 13: a command carries the agent settings it depends on. A switch claimed right after
 * terminate_wait_seconds was changed (the black-box run saw 158 ms) must use the new value, not
 * the one the agent fetched with its config a heartbeat earlier.
 */
describeEachDatabase('commands carry the settings they depend on', (db) => {
  let api: TestApi;
  let client: { userToken: string; clientId: string; clientToken: string };

  beforeAll(async () => {
    api = await startTestApi(db());
    client = await new ApiActor(api).signup('Settings Co', `ops-${Math.random().toString(36).slice(2, 8)}@settings.test`);
    await putSpotPrices(api.dataSource, api.clock, [
      { instanceType: 'm5.large', az: 'eu-west-1a', price: 0.04 },
      { instanceType: 'm5.large', az: 'eu-west-1b', price: 0.045 },
    ]);
  });
  afterAll(async () => api?.close());

  it('a switch claimed right after terminate_wait_seconds was set to 20 says 20, and so does the stored command', async () => {
    const instanceId = freshInstanceId();
    const agent = await new ApiActor(api).register(client.clientToken, { logical_agent_id: 'batch', instance_id: instanceId, az: 'eu-west-1a', mode: 'spot' });
    const instances = await api.http().get(`/api/client/${client.clientId}/instances`).set(bearer(client.userToken)).expect(200);
    const record = instances.body.items.find((i: { instance_id: string }) => i.instance_id === instanceId);
    // The force-switch is queued while the wait is still the default 300 s.
    const forced = await api.http().post(`/api/client/instances/${record.id}/force-switch`).set(bearer(client.userToken)).send({ target: 'on-demand' }).expect(201);
    const config = await api.http().get(`/api/agents/${agent.agentId}/config`).set(bearer(agent.agentToken)).expect(200);
    expect(config.body.terminate_wait_seconds).toBe(300);

    await api.http().post(`/api/client/agents/${agent.agentId}/config`).set(bearer(client.userToken)).send({ terminate_wait_seconds: 20 }).expect(200);
    const polled = await api.http().get(`/api/agents/${agent.agentId}/pending-commands`).set(bearer(agent.agentToken)).expect(200);
    expect(polled.body.commands).toHaveLength(1);
    expect(polled.body.commands[0]).toMatchObject({ id: forced.body.command.id, command_type: 'switch', payload: { terminate_wait_seconds: 20, auto_terminate_enabled: true } });
    const [stored] = await api.dataSource.query('SELECT payload FROM commands WHERE id = ?', [forced.body.command.id]);
    expect(JSON.parse(stored.payload)).toMatchObject({ terminate_wait_seconds: 20, auto_terminate_enabled: true });
  });

  it('a replica launch carries them too', async () => {
    const instanceId = freshInstanceId();
    const agent = await new ApiActor(api).register(client.clientToken, { logical_agent_id: 'web', instance_id: instanceId, az: 'eu-west-1a', mode: 'spot' });
    await api.http().post(`/api/client/agents/${agent.agentId}/config`).set(bearer(client.userToken)).send({ auto_switch: false, auto_terminate: false, terminate_wait_seconds: 45 }).expect(200);
    const created = await api.http().post(`/api/agents/${agent.agentId}/create-emergency-replica`).set(bearer(agent.agentToken)).send({ instance_id: instanceId }).expect(200);
    const polled = await api.http().get(`/api/agents/${agent.agentId}/pending-commands`).set(bearer(agent.agentToken)).expect(200);
    expect(polled.body.commands[0]).toMatchObject({ id: created.body.command_id, command_type: 'launch-replica', payload: { replica_id: created.body.replica_id, terminate_wait_seconds: 45, auto_terminate_enabled: false } });

    // A termination does not depend on them: its payload stays as issued.
    await api.http().delete(`/api/agents/${agent.agentId}/replicas/${created.body.replica_id}`).set(bearer(client.userToken)).expect(200);
  });
});
