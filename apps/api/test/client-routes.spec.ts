import { ApiActor, bearer, describeEachDatabase, startTestApi, TestApi } from '@spot/testing';

describeEachDatabase('client routes', (db) => {
  let api: TestApi;
  let actor: ApiActor;
  let tenant: { userToken: string; clientId: string; clientToken: string };

  beforeAll(async () => {
    api = await startTestApi(db());
    actor = new ApiActor(api);
    tenant = await actor.signup('Tenant', 'owner@tenant.test');
  });

  afterAll(async () => api?.close());

  it('shows the client, its limits and totals to its user and its token', async () => {
    const a = await actor.register(tenant.clientToken, { logical_agent_id: 'a' });
    await actor.register(tenant.clientToken, { logical_agent_id: 'b' });
    await actor.register(tenant.clientToken, { logical_agent_id: 'a', instance_id: 'i-0fffffffffffffff1' });
    await api.dataSource.query("UPDATE agents SET status = 'offline' WHERE id = ?", [a.agentId]);
    for (const token of [tenant.userToken, tenant.clientToken]) {
      const res = await api.http().get(`/api/client/${tenant.clientId}`).set(bearer(token)).expect(200);
      expect(res.body).toMatchObject({
        id: tenant.clientId,
        name: 'Tenant',
        email: 'owner@tenant.test',
        limits: { max_agents: 5, max_instances: 10 },
        totals: { agents: 2, agents_online: 1, instances_active: 2, instances_terminated: 1, total_savings: 0 },
      });
    }
  });

  it('lists agents with a status filter and instances by active / terminated / all', async () => {
    const agents = (await api.http().get(`/api/client/${tenant.clientId}/agents`).set(bearer(tenant.userToken)).expect(200)).body;
    expect(agents.items.map((a: { logical_agent_id: string }) => a.logical_agent_id)).toEqual(['a', 'b']);
    const online = (await api.http().get(`/api/client/${tenant.clientId}/agents?status=online`).set(bearer(tenant.userToken)).expect(200)).body;
    expect(online.items.map((a: { logical_agent_id: string }) => a.logical_agent_id)).toEqual(['b']);
    await api.http().get(`/api/client/${tenant.clientId}/agents?status=sleeping`).set(bearer(tenant.userToken)).expect(400);

    const count = async (status?: string) =>
      (await api.http().get(`/api/client/${tenant.clientId}/instances${status ? `?status=${status}` : ''}`).set(bearer(tenant.userToken)).expect(200)).body.total;
    expect(await count()).toBe(2);
    expect(await count('active')).toBe(2);
    expect(await count('terminated')).toBe(1);
    expect(await count('all')).toBe(3);
    await api.http().get(`/api/client/${tenant.clientId}/instances?status=gone`).set(bearer(tenant.userToken)).expect(400);
  });

  it('rotates the client token for users, not for the token itself', async () => {
    await api.http().post(`/api/client/${tenant.clientId}/client-token`).set(bearer(tenant.clientToken)).expect(403);
    const res = await api.http().post(`/api/client/${tenant.clientId}/client-token`).set(bearer(tenant.userToken)).expect(200);
    expect(res.body.client_token).toMatch(/^spc_/);
    await api.http().get(`/api/client/${tenant.clientId}`).set(bearer(tenant.clientToken)).expect(401);
    await api.http().get(`/api/client/${tenant.clientId}`).set(bearer(res.body.client_token)).expect(200);
    tenant.clientToken = res.body.client_token;
  });

  it('lets super-admins read any client', async () => {
    const admin = await actor.adminToken();
    await api.http().get(`/api/client/${tenant.clientId}`).set(bearer(admin)).expect(200);
    await api.http().get(`/api/client/${tenant.clientId}/agents`).set(bearer(admin)).expect(200);
  });

  it('answers 404 for a client that does not exist', async () => {
    const admin = await actor.adminToken();
    const res = await api.http().get('/api/client/00000000-0000-7000-8000-000000000000').set(bearer(admin)).expect(404);
    expect(res.body.details.code).toBe('CLIENT_NOT_FOUND');
  });
});
