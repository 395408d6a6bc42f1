import jwt from 'jsonwebtoken';
import { ApiActor, bearer, describeEachDatabase, rowCounts, startTestApi, TEST_ADMIN, TestApi } from '@spot/testing';

describeEachDatabase('auth', (db) => {
  let api: TestApi;
  let actor: ApiActor;

  beforeAll(async () => {
    api = await startTestApi(db());
    actor = new ApiActor(api);
  });

  afterAll(async () => api?.close());

  describe('signup', () => {
    it('creates the user and its client together and signs the user in', async () => {
      const res = await api.http().post('/api/auth/signup').send({ org_name: 'Acme', email: 'Ops@Acme.test ', password: 'password-123' }).expect(201);
      expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 86400, role: 'client_user' });
      expect(res.body.client_token).toMatch(/^spc_[A-Za-z0-9_-]{40}$/);

      const me = await api.http().get('/api/auth/me').set(bearer(res.body.access_token)).expect(200);
      expect(me.body).toMatchObject({ email: 'ops@acme.test', role: 'client_user', client_id: res.body.client_id, client_name: 'Acme', home_path: '/dashboard' });

      const [client] = await api.dataSource.query('SELECT client_token_hash FROM clients WHERE id = ?', [res.body.client_id]);
      expect(client.client_token_hash).toHaveLength(64);
      expect(client.client_token_hash).not.toContain(res.body.client_token);
      const [user] = await api.dataSource.query('SELECT password_hash FROM users WHERE email = ?', ['ops@acme.test']);
      expect(user.password_hash).toMatch(/^\$2[aby]\$/);
    });

    it('refuses a taken e-mail and stores nothing', async () => {
      const before = await rowCounts(api.dataSource, ['users', 'clients']);
      const res = await api.http().post('/api/auth/signup').send({ org_name: 'Acme 2', email: 'ops@acme.test', password: 'password-123' }).expect(409);
      expect(res.body.details.code).toBe('EMAIL_TAKEN');
      expect(await rowCounts(api.dataSource, ['users', 'clients'])).toEqual(before);
    });

    it.each([
      [{ email: 'a@b.test', password: 'password-123' }, ['org_name']],
      [{ org_name: 'X', email: 'not-an-email', password: 'password-123' }, ['email']],
      [{ org_name: 'X', email: 'x@y.test', password: 'short' }, ['password']],
      [{ org_name: 'X', email: 'x@y.test', password: 'p'.repeat(73) }, ['password']],
      [{ org_name: 'X', email: 'x@y.test', password: 'password-123', role: 'super_admin' }, ['role']],
      [{ org_name: '', email: 'x@y.test', password: 'password-123' }, ['org_name']],
    ])('rejects %j naming %j, storing nothing', async (body, fields) => {
      const before = await rowCounts(api.dataSource, ['users', 'clients']);
      const res = await api.http().post('/api/auth/signup').send(body).expect(400);
      expect(res.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(fields);
      expect(res.body.message).toContain(fields[0]);
      expect(await rowCounts(api.dataSource, ['users', 'clients'])).toEqual(before);
    });
  });

  describe('token, me and logout', () => {
    it('signs in with the right password only, without telling which part was wrong', async () => {
      const wrong = await api.http().post('/api/auth/token').send({ email: 'ops@acme.test', password: 'wrong-password' }).expect(401);
      const unknown = await api.http().post('/api/auth/token').send({ email: 'nobody@acme.test', password: 'password-123' }).expect(401);
      expect(wrong.body.message).toBe(unknown.body.message);
      expect(wrong.headers['www-authenticate']).toBe('Bearer');
      const ok = await api.http().post('/api/auth/token').send({ email: 'OPS@acme.test', password: 'password-123' }).expect(200);
      expect(ok.body.expires_at).toBe(new Date(api.clock.nowMs() + 86_400_000).toISOString().replace(/\.\d{3}Z$/, '.000Z'));
    });

    it('signs in the super-admin created from ADMIN_EMAIL / ADMIN_PASSWORD', async () => {
      const token = await actor.adminToken();
      const me = await api.http().get('/api/auth/me').set(bearer(token)).expect(200);
      expect(me.body).toMatchObject({ email: TEST_ADMIN.email, role: 'super_admin', client_id: null, home_path: '/admin' });
    });

    it('refuses a token after logout, and only that token', async () => {
      const token = await actor.login('ops@acme.test', 'password-123');
      const other = await actor.login('ops@acme.test', 'password-123');
      await api.http().post('/api/auth/logout').set(bearer(token)).expect(200, { success: true });
      const refused = await api.http().get('/api/auth/me').set(bearer(token)).expect(401);
      expect(refused.body.details.code).toBe('TOKEN_REVOKED');
      await api.http().post('/api/auth/logout').set(bearer(token)).expect(401);
      // Only that token: the user's other session still works.
      await api.http().get('/api/auth/me').set(bearer(other)).expect(200);
    });

    it('refuses a token once 24 hours have passed, judged by the clock', async () => {
      const token = await actor.login('ops@acme.test', 'password-123');
      api.clock.advanceSeconds(86_400 - 1);
      await api.http().get('/api/auth/me').set(bearer(token)).expect(200);
      api.clock.advanceSeconds(1);
      const expired = await api.http().get('/api/auth/me').set(bearer(token)).expect(401);
      expect(expired.body.details.code).toBe('TOKEN_EXPIRED');
    });

    it.each([
      ['no token', undefined],
      ['garbage', 'not-a-jwt'],
      ['a JWT signed with another key', jwt.sign({ sub: 'x', typ: 'user', role: 'super_admin', jti: 'j', cid: null, exp: 4102444800 }, 'another-secret-another-secret-1234', { issuer: 'spot-optimizer', audience: 'spot-user' })],
      ['a JWT without audience', jwt.sign({ sub: 'x', typ: 'user', role: 'super_admin', jti: 'j', cid: null }, 'test-secret-for-jwt-signing-0123456789abcdef')],
    ])('refuses %s', async (_label, token) => {
      const req = api.http().get('/api/auth/me');
      const res = await (token ? req.set(bearer(token)) : req).expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    });
  });
});

describeEachDatabase('auth rate limits', (db) => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi(db(), { env: { RATE_LIMIT_SIGNUP_PER_HOUR: '5', RATE_LIMIT_TOKEN_PER_MINUTE: '10' } });
  });

  afterAll(async () => api?.close());

  it('allows 10 sign-in attempts a minute per address, then answers 429 with Retry-After', async () => {
    // Ten different e-mails, so the per-account limit (sign-in-limits.spec.ts) does not answer first.
    for (let i = 0; i < 10; i++) await api.http().post('/api/auth/token').send({ email: `x${i}@y.test`, password: 'password-1' }).expect(401);
    const limited = await api.http().post('/api/auth/token').send({ email: TEST_ADMIN.email, password: TEST_ADMIN.password }).expect(429);
    expect(limited.body.details.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    api.clock.advanceSeconds(61);
    await api.http().post('/api/auth/token').send({ email: TEST_ADMIN.email, password: TEST_ADMIN.password }).expect(200);
  });

  it('allows 5 sign-ups an hour per address', async () => {
    for (let i = 0; i < 5; i++) {
      await api.http().post('/api/auth/signup').send({ org_name: `Org ${i}`, email: `user${i}@rate.test`, password: 'password-123' }).expect(201);
    }
    const before = await rowCounts(api.dataSource, ['users', 'clients']);
    await api.http().post('/api/auth/signup').send({ org_name: 'Org 6', email: 'user6@rate.test', password: 'password-123' }).expect(429);
    expect(await rowCounts(api.dataSource, ['users', 'clients'])).toEqual(before);
    api.clock.advanceSeconds(3601);
    await api.http().post('/api/auth/signup').send({ org_name: 'Org 6', email: 'user6@rate.test', password: 'password-123' }).expect(201);
  });
});
