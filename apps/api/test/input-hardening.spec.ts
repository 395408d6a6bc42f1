import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ApiActor, bearer, describeEachDatabase, freshInstanceId, putSpotPrices, rowCounts, startTestApi, TestApi } from '@spot/testing';

/** Tables an agent's or a person's request could write to. */
const TABLES = ['clients', 'users', 'agents', 'instances', 'agent_health_metrics', 'cleanup_logs', 'switches', 'commands', 'replica_instances', 'spot_interruption_events', 'notifications'];

interface Ctx {
  admin: string;
  user: string;
  clientId: string;
  clientToken: string;
  agentId: string;
  agentToken: string;
  instanceId: string;
  replicaId: string;
  commandId: string;
}

interface Case {
  name: string;
  method?: 'get' | 'post';
  path: (c: Ctx) => string;
  auth: (c: Ctx) => string;
  body?: unknown;
  /** The field the 400 must name. */
  field: string;
}

const NUL = '\u0000';
const RLO = '\u202e';
const at = '2026-11-24T12:00:00.000Z';
const cleanup = (over: Record<string, unknown>) => ({ report_id: '0193a6f2-6c1e-7d3a-9c1f-5e2b7a9d4c10', cleanup_type: 'full', amis_deleted: 1, snapshots_deleted: 1, success: true, started_at: at, ...over });
const switchReport = (over: Record<string, unknown>) => ({ new_instance_id: 'i-0b1c2d3e4f5a60719', mode: 'on-demand', success: true, ...over });
const big = (bytes: number) => ({ blob: 'x'.repeat(bytes) });

const agentCase = (name: string, route: string, body: unknown, field: string): Case => ({ name, path: (c) => `/api/agents/${c.agentId}/${route}`, auth: (c) => c.agentToken, body, field });
const listCase = (name: string, path: (c: Ctx) => string, auth: (c: Ctx) => string, query: string, field: string): Case => ({ name, method: 'get', path: (c) => `${path(c)}?${query}`, auth, field });

const CASES: Case[] = [
  // Finding 5: out-of-range numbers and oversized JSON, refused before any write.
  agentCase('heartbeat uptime_seconds 1e308', 'heartbeat', { uptime_seconds: 1e308 }, 'uptime_seconds'),
  agentCase('heartbeat uptime_seconds -1', 'heartbeat', { uptime_seconds: -1 }, 'uptime_seconds'),
  agentCase('heartbeat cpu_percent 1e308', 'heartbeat', { cpu_percent: 1e308 }, 'cpu_percent'),
  agentCase('cleanup bytes_freed 1e308', 'cleanup-report', cleanup({ bytes_freed: 1e308 }), 'bytes_freed'),
  agentCase('cleanup 900 KB of details', 'cleanup-report', cleanup({ details: big(900_000) }), 'details'),
  agentCase('cleanup started_at in year 0', 'cleanup-report', cleanup({ started_at: '0000-01-01T00:00:00Z' }), 'started_at'),
  agentCase('switch downtime_ms 1e308', 'switch-report', switchReport({ downtime_ms: 1e308 }), 'downtime_ms'),
  agentCase('switch price 1e308', 'switch-report', switchReport({ price: 1e308 }), 'price'),
  agentCase('switch pool_id of 300 characters', 'switch-report', switchReport({ mode: 'spot', pool_id: `m5.${'a'.repeat(280)}.eu-west-1a` }), 'pool_id'),
  { name: 'replica pool_id of 300 characters', path: (c) => `/api/agents/${c.agentId}/replicas`, auth: (c) => c.user, body: { pool_id: `m5.${'a'.repeat(280)}.eu-west-1a` }, field: 'pool_id' },
  agentCase('switch initiated_at 10000 years out', 'switch-report', switchReport({ initiated_at: '+275760-09-13T00:00:00Z' }), 'initiated_at'),
  { name: 'command result of 900 KB', path: (c) => `/api/agents/${c.agentId}/commands/${c.commandId}/executed`, auth: (c) => c.agentToken, body: { success: true, result: big(900_000) }, field: 'result' },
  { name: 'command duration_ms 1e308', path: (c) => `/api/agents/${c.agentId}/commands/${c.commandId}/executed`, auth: (c) => c.agentToken, body: { success: true, duration_ms: 1e308 }, field: 'duration_ms' },
  agentCase('termination_time in year 0', 'termination', { instance_id: 'i-0a1b2c3d4e5f60718', termination_time: '0000-01-01T00:00:00Z' }, 'termination_time'),
  // Finding 5: limit/offset on lists.
  listCase('admin clients offset 1e20', () => '/api/admin/clients', (c) => c.admin, 'offset=99999999999999999999', 'offset'),
  listCase('client agents offset 1e20', (c) => `/api/client/${c.clientId}/agents`, (c) => c.user, 'offset=99999999999999999999', 'offset'),
  listCase('client instances offset 1e20', (c) => `/api/client/${c.clientId}/instances`, (c) => c.user, 'offset=99999999999999999999', 'offset'),
  listCase('client switches offset 1e20', (c) => `/api/client/${c.clientId}/switches`, (c) => c.user, 'offset=99999999999999999999', 'offset'),
  listCase('client savings offset 1e20', (c) => `/api/client/${c.clientId}/savings`, (c) => c.user, 'offset=99999999999999999999', 'offset'),
  listCase('agent decisions offset 1e20', (c) => `/api/client/${c.clientId}/agents/decisions`, (c) => c.user, 'offset=99999999999999999999', 'offset'),
  listCase('client replicas offset 1e20', (c) => `/api/client/${c.clientId}/replicas`, (c) => c.user, 'offset=99999999999999999999', 'offset'),
  listCase('agent replicas offset 1e20', (c) => `/api/agents/${c.agentId}/replicas`, (c) => c.user, 'offset=99999999999999999999', 'offset'),
  listCase('notifications offset 1e20', () => '/api/notifications', (c) => c.user, 'offset=99999999999999999999', 'offset'),
  listCase('ml models offset 1e20', () => '/api/admin/ml-models', (c) => c.admin, 'offset=99999999999999999999', 'offset'),
  listCase('offset past the cap', () => '/api/notifications', (c) => c.user, 'offset=1000001', 'offset'),
  listCase('offset 1e3', () => '/api/notifications', (c) => c.user, 'offset=1e3', 'offset'),
  listCase('offset -1', () => '/api/notifications', (c) => c.user, 'offset=-1', 'offset'),
  listCase('empty limit', () => '/api/notifications', (c) => c.user, 'limit=', 'limit'),
  listCase('limit 0x10', () => '/api/notifications', (c) => c.user, 'limit=0x10', 'limit'),
  listCase('pending-commands limit 1e20', (c) => `/api/agents/${c.agentId}/pending-commands`, (c) => c.agentToken, 'limit=99999999999999999999', 'limit'),
  listCase('price history days 1e20', (c) => `/api/client/${c.clientId}/pools/m5.large.eu-west-1a/price-history`, (c) => c.user, 'days=99999999999999999999', 'days'),
  listCase('growth days 7.5', () => '/api/admin/growth', (c) => c.admin, 'days=7.5', 'days'),
  // Finding 6: JSON types are taken as sent.
  { name: 'sync progress true', path: (c) => `/api/agents/${c.agentId}/replicas/${c.replicaId}/sync-status`, auth: (c) => c.agentToken, body: { progress: true }, field: 'progress' },
  { name: 'sync progress ""', path: (c) => `/api/agents/${c.agentId}/replicas/${c.replicaId}/sync-status`, auth: (c) => c.agentToken, body: { progress: '' }, field: 'progress' },
  { name: 'sync progress "45"', path: (c) => `/api/agents/${c.agentId}/replicas/${c.replicaId}/sync-status`, auth: (c) => c.agentToken, body: { progress: '45' }, field: 'progress' },
  { name: 'sync latency_ms "123"', path: (c) => `/api/agents/${c.agentId}/replicas/${c.replicaId}/sync-status`, auth: (c) => c.agentToken, body: { progress: 40, latency_ms: '123' }, field: 'latency_ms' },
  agentCase('heartbeat uptime_seconds "100"', 'heartbeat', { uptime_seconds: '100' }, 'uptime_seconds'),
  agentCase('cleanup success "true"', 'cleanup-report', cleanup({ success: 'true' }), 'success'),
  // Finding 7: names without control or bidi characters.
  { name: 'signup org_name with NUL', path: () => '/api/auth/signup', auth: () => '', body: { org_name: `Acme${NUL}Ltd`, email: 'nul@names.test', password: 'password-123' }, field: 'org_name' },
  { name: 'signup org_name with U+202E', path: () => '/api/auth/signup', auth: () => '', body: { org_name: `Acme${RLO}gnp.exe`, email: 'rlo@names.test', password: 'password-123' }, field: 'org_name' },
  { name: 'signup email with U+202E', path: () => '/api/auth/signup', auth: () => '', body: { org_name: 'Acme', email: `ops${RLO}@names.test`, password: 'password-123' }, field: 'email' },
  { name: 'client name with NUL', path: () => '/api/admin/clients', auth: (c) => c.admin, body: { name: `Acme${NUL}` }, field: 'name' },
  { name: 'client name with U+202E', path: () => '/api/admin/clients', auth: (c) => c.admin, body: { name: `Acme${RLO}Ltd` }, field: 'name' },
  { name: 'client name with U+2066', path: () => '/api/admin/clients', auth: (c) => c.admin, body: { name: 'Acme\u2066Ltd' }, field: 'name' },
  { name: 'client email with U+202E', path: () => '/api/admin/clients', auth: (c) => c.admin, body: { name: 'Acme', email: `billing${RLO}@names.test` }, field: 'email' },
  { name: 'register hostname with NUL', path: () => '/api/agents/register', auth: (c) => c.clientToken, body: { logical_agent_id: 'web-9', instance_id: 'i-0c1c2d3e4f5a60719', instance_type: 'm5.large', region: 'eu-west-1', az: 'eu-west-1a', mode: 'spot', hostname: `ip${NUL}` }, field: 'hostname' },
  { name: 'replica created_by with U+202E', path: (c) => `/api/agents/${c.agentId}/replicas`, auth: (c) => c.user, body: { created_by: `ops${RLO}` }, field: 'created_by' },
];

describeEachDatabase('input hardening', (db) => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi(db());
  });

  afterAll(async () => api?.close());

  describe('nested JSON (issue 22 finding 1)', () => {
    it.each([
      ['5,000 nested [', '['.repeat(5000)],
      ['5,000 nested [ closed', '['.repeat(5000) + ']'.repeat(5000)],
      ['1 MB of [', '['.repeat(1024 * 1024 - 16)],
      ['objects 100 deep', '{"a":'.repeat(100) + '1' + '}'.repeat(100)],
    ])('answers 400 naming the depth for %s', async (_name, body) => {
      const res = await api.http().post('/api/auth/token').set('Content-Type', 'application/json').send(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, details: { code: 'JSON_TOO_DEEP' } });
      expect(res.body.message).toMatch(/deeper than 64/);
    });

    it('refuses deep bodies on every JSON route, before authentication or validation', async () => {
      const deep = '['.repeat(100) + ']'.repeat(100);
      for (const path of ['/api/auth/signup', '/api/admin/clients', '/api/agents/register', '/api/agents/00000000-0000-4000-8000-000000000000/heartbeat']) {
        const res = await api.http().post(path).set('Content-Type', 'application/json').send(deep);
        expect({ path, status: res.status, code: res.body.details?.code }).toEqual({ path, status: 400, code: 'JSON_TOO_DEEP' });
      }
      // 64 levels are still JSON the validators judge (here: not an object of the DTO).
      const ok = await api.http().post('/api/auth/token').set('Content-Type', 'application/json').send('['.repeat(64) + ']'.repeat(64));
      expect(ok.status).toBe(400);
      expect(ok.body.details?.code).toBe('VALIDATION_FAILED');
      // Brackets inside strings do not count: this is just a wrong password.
      const inString = await api.http().post('/api/auth/token').send({ email: 'a@b.example', password: '[\\"['.repeat(200) });
      expect(inString.status).toBe(401);
    });

    it('keeps answering /health while a dozen 1 MB bodies of [ arrive', async () => {
      // Event-driven: every /health request is sent while the deep bodies are in flight, and the
      // event loop's worst stall is recorded. On main each body held the loop for a second or more.
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const body = '['.repeat(512 * 1024 - 8) + ']'.repeat(512 * 1024 - 8);
      const deep = Array.from({ length: 12 }, () => api.http().post('/api/auth/token').set('Content-Type', 'application/json').send(body).then((r) => r.status));
      const health = Array.from({ length: 12 }, () => api.http().get('/health').then((r) => r.status));
      const [deepStatuses, healthStatuses] = await Promise.all([Promise.all(deep), Promise.all(health)]);
      delay.disable();
      expect(deepStatuses).toEqual(Array(12).fill(400));
      expect(healthStatuses).toEqual(Array(12).fill(200));
      // Generous on purpose (the machine is shared): the scan itself is a few ms per megabyte.
      expect(delay.max / 1e6).toBeLessThan(2000);
    });
  });

  describe('malformed input answers 400 naming the field, and stores nothing (issue 22 findings 5-7)', () => {
    const ctx = {} as Ctx;

    beforeAll(async () => {
      const actor = new ApiActor(api);
      ctx.admin = await actor.adminToken();
      const signup = await actor.signup('Hardening Co', 'ops@hardening.test');
      Object.assign(ctx, { user: signup.userToken, clientId: signup.clientId, clientToken: signup.clientToken });
      ctx.instanceId = freshInstanceId();
      await putSpotPrices(api.dataSource, api.clock, [
        { instanceType: 'm5.large', az: 'eu-west-1a', price: 0.04 },
        { instanceType: 'm5.large', az: 'eu-west-1b', price: 0.045 },
      ]);
      const agent = await actor.register(signup.clientToken, { logical_agent_id: 'web-1', instance_id: ctx.instanceId, mode: 'spot' });
      Object.assign(ctx, { agentId: agent.agentId, agentToken: agent.agentToken });
      const replica = await api.http().post(`/api/agents/${ctx.agentId}/create-emergency-replica`).set(bearer(ctx.agentToken)).send({ instance_id: ctx.instanceId }).expect(200);
      ctx.replicaId = replica.body.replica_id;
      // The replica's launch command, handed to the agent, so its result route is live.
      const claimed = await api.http().get(`/api/agents/${ctx.agentId}/pending-commands`).set(bearer(ctx.agentToken)).expect(200);
      ctx.commandId = claimed.body.commands[0].id;
    });

    it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const before = await rowCounts(api.dataSource, TABLES);
      const [agentBefore] = await api.dataSource.query('SELECT last_heartbeat_at, updated_at FROM agents WHERE id = ?', [ctx.agentId]);
      api.clock.advanceSeconds(1);
      let req = c.method === 'get' ? api.http().get(c.path(ctx)) : api.http().post(c.path(ctx)).send(c.body as object);
      if (c.auth(ctx)) req = req.set(bearer(c.auth(ctx)));
      const res = await req;
      expect({ status: res.status, code: res.body.details?.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      expect(res.body.details.fields.map((f: { field: string }) => f.field)).toEqual([c.field]);
      expect(await rowCounts(api.dataSource, TABLES)).toEqual(before);
      const [agentAfter] = await api.dataSource.query('SELECT last_heartbeat_at, updated_at FROM agents WHERE id = ?', [ctx.agentId]);
      expect(agentAfter).toEqual(agentBefore);
    });

    it('still accepts the largest values in range', async () => {
      await api.http().post(`/api/agents/${ctx.agentId}/heartbeat`).set(bearer(ctx.agentToken)).send({ uptime_seconds: 315_360_000, cpu_percent: 100 }).expect(200);
      await api.http().post(`/api/agents/${ctx.agentId}/cleanup-report`).set(bearer(ctx.agentToken)).send(cleanup({ bytes_freed: 1e15, details: big(15_000) })).expect(200);
      await api.http().get('/api/notifications?offset=1000000&limit=200').set(bearer(ctx.user)).expect(200);
      await api.http().post(`/api/agents/${ctx.agentId}/replicas/${ctx.replicaId}/sync-status`).set(bearer(ctx.agentToken)).send({ progress: 45.5, latency_ms: 123 }).expect(200);
      await api.http().post('/api/admin/clients').set(bearer(ctx.admin)).send({ name: 'Ünïcödé Straße 東京 株式会社' }).expect(201);
    });
  });
});
