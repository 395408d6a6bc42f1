import { ApiActor, bearer, describeEachDatabase, freshInstanceId, registration, rowCounts, startTestApi, TestApi } from '@spot/testing';

describeEachDatabase('agent registration and identity', (db) => {
  let api: TestApi;
  let actor: ApiActor;
  let admin: string;
  let client: { id: string; clientToken: string };

  beforeAll(async () => {
    api = await startTestApi(db());
    actor = new ApiActor(api);
    admin = await actor.adminToken();
    client = await actor.createClient(admin, { name: 'Fleet Co', max_agents: 3, max_instances: 4 });
  });

  afterAll(async () => api?.close());

  const instancesOf = async (status: string) =>
    (await api.http().get(`/api/client/${client.id}/instances?status=${status}`).set(bearer(client.clientToken)).expect(200)).body;

  it('mints an agent on first registration and answers its token and config', async () => {
    const body = registration({ logical_agent_id: 'checkout', instance_id: 'i-0aaaaaaaaaaaaaaa1', mode: 'on-demand' });
    const res = await api.http().post('/api/agents/register').set(bearer(client.clientToken)).send(body).expect(201);
    expect(res.body).toMatchObject({ created: true, instance_changed: false });
    expect(res.body.config).toMatchObject({
      agent_id: res.body.agent_id,
      logical_agent_id: 'checkout',
      auto_switch_enabled: true,
      auto_terminate_enabled: true,
      terminate_wait_seconds: 300,
      manual_replica_enabled: false,
      intervals: { heartbeat_seconds: 60, pricing_report_seconds: 60, command_poll_seconds: 30, interruption_poll_seconds: 5 },
    });
    const agents = (await api.http().get(`/api/client/${client.id}/agents`).set(bearer(client.clientToken)).expect(200)).body;
    expect(agents.items).toEqual([
      expect.objectContaining({ id: res.body.agent_id, status: 'online', instance_id: 'i-0aaaaaaaaaaaaaaa1', current_mode: 'on-demand', current_pool_id: null }),
    ]);
  });

  it('keeps the same agent id when the workload registers again from a new instance, and moves the instance records', async () => {
    const first = await actor.register(client.clientToken, { logical_agent_id: 'api-server', instance_id: 'i-0bbbbbbbbbbbbbbb1', az: 'eu-west-1a' });
    api.clock.advanceSeconds(600);
    const second = await actor.register(client.clientToken, {
      logical_agent_id: 'api-server',
      instance_id: 'i-0bbbbbbbbbbbbbbb2',
      az: 'eu-west-1b',
      instance_type: 'm5a.large',
    });
    expect(second.agentId).toBe(first.agentId);
    expect(second.body).toMatchObject({ created: false, instance_changed: true });

    const active = await instancesOf('active');
    const terminated = await instancesOf('terminated');
    expect(active.items.filter((i: { agent_id: string }) => i.agent_id === first.agentId)).toEqual([
      expect.objectContaining({ instance_id: 'i-0bbbbbbbbbbbbbbb2', az: 'eu-west-1b', instance_type: 'm5a.large', current_pool_id: 'm5a.large.eu-west-1b', is_active: true }),
    ]);
    expect(terminated.items).toEqual([
      expect.objectContaining({ instance_id: 'i-0bbbbbbbbbbbbbbb1', agent_id: first.agentId, is_active: false, replaced_at: api.clock.now().toISOString(), terminated_at: null }),
    ]);

    // Both tokens speak for the same agent: the old instance's agent can still report during terminate_wait.
    const beat = await api.http().post(`/api/agents/${first.agentId}/heartbeat`).set(bearer(first.agentToken)).send({ instance_id: 'i-0bbbbbbbbbbbbbbb1' }).expect(200);
    expect(beat.body.current_instance_id).toBe('i-0bbbbbbbbbbbbbbb2');

    const events = await api.dataSource.query('SELECT event_type FROM system_events WHERE agent_id = ? ORDER BY created_at, id', [first.agentId]);
    expect(events.map((e: { event_type: string }) => e.event_type)).toEqual(['agent.registered', 'agent.moved']);
  });

  it('treats registering again from the same instance as a restart, not a move', async () => {
    const body = registration({ logical_agent_id: 'restarting' });
    const first = await actor.register(client.clientToken, body);
    const again = await actor.register(client.clientToken, { ...body, agent_version: '0.2.0' });
    expect(again.agentId).toBe(first.agentId);
    expect(again.body).toMatchObject({ created: false, instance_changed: false });
    const mine = (await instancesOf('all')).items.filter((i: { agent_id: string }) => i.agent_id === first.agentId);
    expect(mine).toHaveLength(1);
  });

  it("enforces the client's max_agents with a clear error, while existing agents can still register", async () => {
    const before = await rowCounts(api.dataSource, ['agents', 'instances']);
    const res = await api.http().post('/api/agents/register').set(bearer(client.clientToken)).send(registration({ logical_agent_id: 'one-too-many' })).expect(409);
    expect(res.body.details).toMatchObject({ code: 'AGENT_LIMIT_REACHED', max_agents: 3, agents: 3 });
    expect(res.body.message).toMatch(/limit of 3 agents/);
    expect(await rowCounts(api.dataSource, ['agents', 'instances'])).toEqual(before);
    await actor.register(client.clientToken, { logical_agent_id: 'checkout', instance_id: freshInstanceId() });
  });

  it("enforces max_instances on new instances", async () => {
    const small = await actor.createClient(admin, { name: 'Tiny', max_agents: 5, max_instances: 1 });
    await actor.register(small.clientToken, { logical_agent_id: 'a' });
    const res = await api.http().post('/api/agents/register').set(bearer(small.clientToken)).send(registration({ logical_agent_id: 'b' })).expect(409);
    expect(res.body.details.code).toBe('INSTANCE_LIMIT_REACHED');
    // Moving the one workload to a new instance stays within the limit.
    await actor.register(small.clientToken, { logical_agent_id: 'a', instance_id: freshInstanceId() });
  });

  it.each([
    [{ instance_id: 'i-123' }, 'instance_id'],
    [{ instance_id: 'web-server' }, 'instance_id'],
    [{ instance_type: 'large' }, 'instance_type'],
    [{ region: 'europe' }, 'region'],
    [{ az: 'eu-west-1' }, 'az'],
    [{ az: 'us-east-1a' }, 'az'],
    [{ mode: 'reserved' }, 'mode'],
    [{ logical_agent_id: '' }, 'logical_agent_id'],
    [{ logical_agent_id: 'has spaces' }, 'logical_agent_id'],
    [{ logical_agent_id: 'x'.repeat(256) }, 'logical_agent_id'],
    [{ client_id: 'someone-else' }, 'client_id'],
  ])('rejects a registration with %j, naming %s and storing nothing', async (override, field) => {
    const before = await rowCounts(api.dataSource, ['agents', 'instances', 'system_events']);
    const res = await api.http().post('/api/agents/register').set(bearer(client.clientToken)).send({ ...registration({ logical_agent_id: 'checkout' }), ...override }).expect(400);
    expect(res.body.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    expect(await rowCounts(api.dataSource, ['agents', 'instances', 'system_events'])).toEqual(before);
  });

  it('rejects a body with required fields missing, naming each', async () => {
    const res = await api.http().post('/api/agents/register').set(bearer(client.clientToken)).send({ logical_agent_id: 'x' }).expect(400);
    const fields = res.body.details.fields.map((f: { field: string }) => f.field).sort();
    expect(fields).toEqual(['az', 'instance_id', 'instance_type', 'mode', 'region']);
    expect(res.body.details.fields[0].problems[0]).toMatch(/is required$/);
  });

  it('rejects a body that is not a JSON object', async () => {
    for (const body of ['[]', '"text"', '{"broken":']) {
      const res = await api.http().post('/api/agents/register').set(bearer(client.clientToken)).set('Content-Type', 'application/json').send(body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.correlationId).toEqual(res.headers['x-correlation-id']);
    }
  });

  it('refuses registration without a valid client token', async () => {
    await api.http().post('/api/agents/register').send(registration()).expect(401);
    await api.http().post('/api/agents/register').set(bearer('spc_' + 'x'.repeat(40))).send(registration()).expect(401);
    await api.http().post('/api/agents/register').set(bearer(admin)).send(registration()).expect(401);
  });

  it('answers heartbeat and config only to the agent\'s own token', async () => {
    const a = await actor.register(client.clientToken, { logical_agent_id: 'checkout', instance_id: freshInstanceId() });
    const b = await actor.register(client.clientToken, { logical_agent_id: 'api-server', instance_id: freshInstanceId() });
    await api.http().post(`/api/agents/${a.agentId}/heartbeat`).set(bearer(a.agentToken)).send({}).expect(200);
    const config = await api.http().get(`/api/agents/${a.agentId}/config`).set(bearer(a.agentToken)).expect(200);
    expect(config.body.agent_id).toBe(a.agentId);

    const refused = await api.http().post(`/api/agents/${a.agentId}/heartbeat`).set(bearer(b.agentToken)).send({}).expect(404);
    expect(refused.body.details.code).toBe('AGENT_NOT_FOUND');
    await api.http().get(`/api/agents/${a.agentId}/config`).set(bearer(b.agentToken)).expect(404);
    await api.http().get(`/api/agents/${a.agentId}/config`).set(bearer(client.clientToken)).expect(401);
    await api.http().get(`/api/agents/${a.agentId}/config`).set(bearer(admin)).expect(401);
  });

  it('marks an agent online on heartbeat and records when', async () => {
    const a = await actor.register(client.clientToken, { logical_agent_id: 'checkout', instance_id: freshInstanceId() });
    await api.dataSource.query("UPDATE agents SET status = 'offline' WHERE id = ?", [a.agentId]);
    api.clock.advanceSeconds(90);
    const res = await api.http().post(`/api/agents/${a.agentId}/heartbeat`).set(bearer(a.agentToken)).send({ agent_version: '0.3.0' }).expect(200);
    expect(res.body).toMatchObject({ agent_id: a.agentId, status: 'online', config_version: 1, server_time: api.clock.now().toISOString() });
    const [row] = await api.dataSource.query('SELECT status, agent_version, last_heartbeat_at FROM agents WHERE id = ?', [a.agentId]);
    expect(row).toMatchObject({ status: 'online', agent_version: '0.3.0' });
    const [event] = await api.dataSource.query("SELECT event_type FROM system_events WHERE agent_id = ? AND event_type = 'agent.online'", [a.agentId]);
    expect(event).toBeDefined();
  });

  it('hands an instance to the logical agent that registers it last', async () => {
    const instance = freshInstanceId();
    const other = await actor.createClient(admin, { name: 'Renamer', max_agents: 5, max_instances: 5 });
    const oldName = await actor.register(other.clientToken, { logical_agent_id: 'old-name', instance_id: instance });
    const newName = await actor.register(other.clientToken, { logical_agent_id: 'new-name', instance_id: instance });
    const agents = (await api.http().get(`/api/client/${other.id}/agents`).set(bearer(other.clientToken)).expect(200)).body.items;
    expect(agents.find((a: { id: string }) => a.id === oldName.agentId)).toMatchObject({ instance_id: null, status: 'offline' });
    expect(agents.find((a: { id: string }) => a.id === newName.agentId)).toMatchObject({ instance_id: instance, status: 'online' });
    const instances = (await api.http().get(`/api/client/${other.id}/instances?status=all`).set(bearer(other.clientToken)).expect(200)).body.items;
    expect(instances).toEqual([expect.objectContaining({ instance_id: instance, agent_id: newName.agentId, is_active: true })]);
  });

  it('lets the same AWS instance id exist under two clients without either seeing the other', async () => {
    const instance = freshInstanceId();
    const one = await actor.createClient(admin, { name: 'One' });
    const two = await actor.createClient(admin, { name: 'Two' });
    await actor.register(one.clientToken, { logical_agent_id: 'w', instance_id: instance });
    await actor.register(two.clientToken, { logical_agent_id: 'w', instance_id: instance });
    for (const c of [one, two]) {
      const list = (await api.http().get(`/api/client/${c.id}/instances`).set(bearer(c.clientToken)).expect(200)).body;
      expect(list.total).toBe(1);
    }
  });
});

describeEachDatabase('concurrent registrations', (db) => {
  let api: TestApi;
  let actor: ApiActor;
  let admin: string;

  beforeAll(async () => {
    api = await startTestApi(db());
    actor = new ApiActor(api);
    admin = await actor.adminToken();
  });

  afterAll(async () => api?.close());

  it('mints one agent when the same logical id registers many times at once', async () => {
    const client = await actor.createClient(admin, { name: 'Racy', max_agents: 10, max_instances: 20 });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => api.http().post('/api/agents/register').set(bearer(client.clientToken)).send(registration({ logical_agent_id: 'same' }))),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(results.map((r) => r.body.agent_id)).size).toBe(1);
    expect(results.filter((r) => r.body.created)).toHaveLength(1);
    const [row] = await api.dataSource.query('SELECT COUNT(*) AS n FROM agents WHERE client_id = ?', [client.id]);
    expect(Number(row.n)).toBe(1);
    const [active] = await api.dataSource.query('SELECT COUNT(*) AS n FROM instances WHERE client_id = ? AND is_active = ?', [client.id, true]);
    expect(Number(active.n)).toBe(1);
  });

  it('never exceeds max_agents when new agents race for the last places', async () => {
    const client = await actor.createClient(admin, { name: 'Crowded', max_agents: 3, max_instances: 20 });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => api.http().post('/api/agents/register').set(bearer(client.clientToken)).send(registration({ logical_agent_id: `w${i}` }))),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 409)).toHaveLength(5);
    const [row] = await api.dataSource.query('SELECT COUNT(*) AS n FROM agents WHERE client_id = ?', [client.id]);
    expect(Number(row.n)).toBe(3);
  });
});
