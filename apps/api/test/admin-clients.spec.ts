import { ApiActor, bearer, describeEachDatabase, rowCounts, startTestApi, TestApi } from '@spot/testing';
import { AccountService } from '@spot/identity';

describeEachDatabase('admin: clients', (db) => {
  let api: TestApi;
  let actor: ApiActor;
  let admin: string;

  beforeAll(async () => {
    api = await startTestApi(db());
    actor = new ApiActor(api);
    admin = await actor.adminToken();
  });

  afterAll(async () => api?.close());

  it('creates a client and shows its token once, storing only a hash', async () => {
    const res = await api.http().post('/api/admin/clients').set(bearer(admin)).send({ name: 'Acme', email: 'Billing@Acme.test', max_agents: 20 }).expect(201);
    expect(res.body).toMatchObject({ name: 'Acme', email: 'billing@acme.test', plan: 'free', max_agents: 20, max_instances: 10, agent_count: 0, is_active: true, total_savings: 0 });
    expect(res.body.client_token).toMatch(/^spc_/);
    expect(res.body.client_token_hint).toBe(`spc_…${res.body.client_token.slice(-4)}`);

    const list = await api.http().get('/api/admin/clients').set(bearer(admin)).expect(200);
    const listed = list.body.items.find((c: { id: string }) => c.id === res.body.id);
    expect(listed).toBeDefined();
    expect(listed.client_token).toBeUndefined();
    const stored = JSON.stringify(await api.dataSource.query('SELECT * FROM clients WHERE id = ?', [res.body.id]));
    expect(stored).not.toContain(res.body.client_token);

    // The token works for the client's own routes.
    await api.http().get(`/api/client/${res.body.id}`).set(bearer(res.body.client_token)).expect(200);
  });

  it('refuses a duplicate e-mail with 409 and stores nothing', async () => {
    const before = await rowCounts(api.dataSource, ['clients']);
    const res = await api.http().post('/api/admin/clients').set(bearer(admin)).send({ name: 'Acme again', email: 'billing@acme.test' }).expect(409);
    expect(res.body.details.code).toBe('CLIENT_EMAIL_TAKEN');
    expect(await rowCounts(api.dataSource, ['clients'])).toEqual(before);
  });

  it.each([
    [{}, ['name']],
    [{ name: 'X', max_agents: 0 }, ['max_agents']],
    [{ name: 'X', max_agents: '5' }, ['max_agents']],
    [{ name: 'X', max_instances: 2.5 }, ['max_instances']],
    [{ name: 'X', plan: 'Gold Plan!' }, ['plan']],
    [{ name: 'X', email: 'nope' }, ['email']],
    [{ name: 'X', total_savings: 1e9 }, ['total_savings']],
  ])('rejects %j naming %j, storing nothing', async (body, fields) => {
    const before = await rowCounts(api.dataSource, ['clients', 'system_events']);
    const res = await api.http().post('/api/admin/clients').set(bearer(admin)).send(body).expect(400);
    expect(res.body.details.fields.map((f: { field: string }) => f.field)).toEqual(fields);
    expect(await rowCounts(api.dataSource, ['clients', 'system_events'])).toEqual(before);
  });

  it('pages through clients, newest first, with their agent counts', async () => {
    for (let i = 0; i < 4; i++) {
      api.clock.advanceSeconds(1);
      await actor.createClient(admin, { name: `Paged ${i}` });
    }
    const first = await api.http().get('/api/admin/clients?limit=2').set(bearer(admin)).expect(200);
    expect(first.body).toMatchObject({ limit: 2, offset: 0 });
    expect(first.body.items.map((c: { name: string }) => c.name)).toEqual(['Paged 3', 'Paged 2']);
    const second = await api.http().get('/api/admin/clients?limit=2&offset=2').set(bearer(admin)).expect(200);
    expect(second.body.items.map((c: { name: string }) => c.name)).toEqual(['Paged 1', 'Paged 0']);
    expect(second.body.total).toBe(first.body.total);
    await api.http().get('/api/admin/clients?limit=500').set(bearer(admin)).expect(400);
    await api.http().get('/api/admin/clients?offset=-1').set(bearer(admin)).expect(400);
    await api.http().get('/api/admin/clients?limit=ten').set(bearer(admin)).expect(400);
  });

  it('is reserved to super-admins', async () => {
    const user = await actor.signup('Plain', 'plain@user.test');
    const res = await api.http().get('/api/admin/clients').set(bearer(user.userToken)).expect(403);
    expect(res.body.details.code).toBe('SUPER_ADMIN_REQUIRED');
    await api.http().post('/api/admin/clients').set(bearer(user.userToken)).send({ name: 'Sneaky' }).expect(403);
    await api.http().get('/api/admin/clients').set(bearer(user.clientToken)).expect(401);
    await api.http().get('/api/admin/clients').expect(401);
  });

  it('creates the first super-admin once; the CLI path can reset its password', async () => {
    const accounts = api.app.get(AccountService);
    expect(await accounts.ensureSuperAdmin('admin@spot.test', 'another-password')).toBe('unchanged');
    await actor.login('admin@spot.test', 'admin-password-1');
    expect(await accounts.ensureSuperAdmin('Ops-Admin@spot.test', 'ops-password-1')).toBe('created');
    await actor.login('ops-admin@spot.test', 'ops-password-1');
    expect(await accounts.ensureSuperAdmin('ops-admin@spot.test', 'ops-password-2', { resetPassword: true })).toBe('updated');
    await actor.login('ops-admin@spot.test', 'ops-password-2');
    await expect(accounts.ensureSuperAdmin('plain@user.test', 'password-999')).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
  });
});
