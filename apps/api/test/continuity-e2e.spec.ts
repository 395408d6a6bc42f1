import { AgentEntity } from '@spot/persistence';
import { ApiActor, bearer, describeEachDatabase, freshInstanceId, startTestApi, TestApi } from '@spot/testing';

const TG = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef';

/** Issue 14 through HTTP: continuity settings validated and stored; switch reports with downtime, steps and the old instance's termination. */
describeEachDatabase('continuity settings and cut-over reports', (db) => {
  let api: TestApi;
  let actor: ApiActor;
  let client: { clientId: string; userToken: string; clientToken: string };

  beforeAll(async () => {
    api = await startTestApi(db());
    actor = new ApiActor(api);
    client = await actor.signup('Cora Continuity', 'cora@continuity.test');
  });
  afterAll(async () => api?.close());

  const http = () => api.http();
  const settings = {
    target_groups: { arns: [TG] },
    elastic_ip: { allocation_id: 'eipalloc-0123456789abcdef0' },
    dns: { hosted_zone_id: 'Z0123456789ABCDEFGHIJ', name: 'app.example.com', ttl: 60 },
    data_volumes: [{ volume_id: 'vol-0123456789abcdef0', az: 'eu-west-1a' }, { tag: { key: 'app', value: 'db-data' } }],
    network_interface: { network_interface_id: 'eni-0123456789abcdef0', device_index: 1 },
    hooks: { pre_switch: { command: '/opt/app/drain.sh', timeout_seconds: 30 }, sync: { command: 'pg-catchup', timeout_seconds: 600 } },
  };

  it('stores valid settings, bumps the config version and hands them back in the agent config', async () => {
    const agent = await actor.register(client.clientToken, { logical_agent_id: 'cont-1', az: 'eu-west-1a' });
    const res = await http().put(`/api/client/agents/${agent.agentId}/continuity`).set(bearer(client.userToken)).send(settings).expect(200);
    expect(res.body.continuity).toEqual(settings);
    expect(res.body.config_version).toBeGreaterThan(1);
    const listed = await http().get(`/api/client/${client.clientId}/agents`).set(bearer(client.userToken)).expect(200);
    expect(listed.body.items.find((a: { id: string }) => a.id === agent.agentId).continuity).toEqual(settings);
    const cleared = await http().put(`/api/client/agents/${agent.agentId}/continuity`).set(bearer(client.userToken)).send({}).expect(200);
    expect(cleared.body.continuity).toBeNull();
  });

  it.each([
    ['a target group ARN from another region', { target_groups: { arns: [TG.replace('eu-west-1', 'us-east-1')] } }, 'target_groups.arns.0', /us-east-1.*eu-west-1/],
    ['a volume in another zone with no snapshot path', { data_volumes: [{ volume_id: 'vol-0123456789abcdef0', az: 'eu-west-1b' }], cross_az_snapshot: false }, 'data_volumes.0.az', /no snapshot path/],
    ['a malformed allocation id', { elastic_ip: { allocation_id: 'eip-1' } }, 'elastic_ip.allocation_id', /allocation id/],
    ['a pre-switch hook longer than the notice allows', { hooks: { pre_switch: { command: 'drain', timeout_seconds: 300 } } }, 'hooks.pre_switch.timeout_seconds', /90 s/],
    ['an unknown field', { target_groups: { arns: [TG], weight: 3 } }, 'target_groups.weight', /not an accepted field/],
    ['a TTL that is not a number', { dns: { hosted_zone_id: 'Z1', name: 'app.example.com', ttl: 'soon' } }, 'dns.ttl', /integer/],
  ])('refuses %s with a 400 naming the field, and stores nothing', async (_what, body, field, message) => {
    const agent = await actor.register(client.clientToken, { logical_agent_id: 'cont-bad', az: 'eu-west-1a' }); // the same agent each time
    const res = await http().put(`/api/client/agents/${agent.agentId}/continuity`).set(bearer(client.userToken)).send(body).expect(400);
    const named = res.body.details.fields.find((f: { field: string }) => f.field === field);
    expect(named).toBeDefined();
    expect(named.problems.join(' ')).toMatch(message);
    expect((await api.dataSource.getRepository(AgentEntity).findOneByOrFail({ id: agent.agentId })).continuitySettings ?? null).toBeNull();
  });

  it("another client's agent answers 404", async () => {
    const other = await actor.signup('Other Org', 'other@continuity.test');
    const agent = await actor.register(client.clientToken, { logical_agent_id: 'cont-1' });
    await http().put(`/api/client/agents/${agent.agentId}/continuity`).set(bearer(other.userToken)).send(settings).expect(404);
  });

  it('a switch report carries downtime_ms and the cut-over steps; the later report with old_terminated_at turns the old instance terminated', async () => {
    const oldInstanceId = freshInstanceId();
    const agent = await actor.register(client.clientToken, { logical_agent_id: 'cont-sw', instance_id: oldInstanceId, mode: 'on-demand' });
    const newInstanceId = freshInstanceId();
    const steps = [
      { name: 'register_targets', duration_ms: 120, ok: true },
      { name: 'wait_targets_healthy', duration_ms: 13_000, ok: true },
      { name: 'deregister_old_targets', duration_ms: 90, ok: true },
      { name: 'move_elastic_ip', duration_ms: 2_000, ok: true },
    ];
    const report = { old_instance_id: oldInstanceId, new_instance_id: newInstanceId, mode: 'spot', pool_id: 'm5.large.eu-west-1b', price: 0.04, success: true, downtime_ms: 2000, cutover_steps: steps };
    const first = await http().post(`/api/agents/${agent.agentId}/switch-report`).set(bearer(agent.agentToken)).send(report).expect(200);
    expect(first.body.switch).toMatchObject({ downtime_ms: 2000, cutover_steps: steps, old_terminated_at: null });
    const listed = async () => (await http().get(`/api/client/${client.clientId}/instances?status=all`).set(bearer(client.userToken)).expect(200)).body.items.find((i: { instance_id: string }) => i.instance_id === oldInstanceId);
    expect((await listed()).terminated_at).toBeNull();

    const terminatedAt = new Date(api.clock.now().getTime() + 300_000).toISOString();
    const later = await http().post(`/api/agents/${agent.agentId}/switch-report`).set(bearer(agent.agentToken)).send({ ...report, old_terminated_at: terminatedAt }).expect(200);
    expect(later.body).toMatchObject({ duplicate: true, switch: { old_terminated_at: terminatedAt, downtime_ms: 2000 } });
    expect(await listed()).toMatchObject({ terminated_at: terminatedAt, is_active: false });

    const switches = await http().get(`/api/client/${client.clientId}/switches`).set(bearer(client.userToken)).expect(200);
    expect(switches.body.items.find((s: { new_instance_id: string }) => s.new_instance_id === newInstanceId)).toMatchObject({ cutover_steps: steps, old_terminated_at: terminatedAt });

    const bad = await http().post(`/api/agents/${agent.agentId}/switch-report`).set(bearer(agent.agentToken)).send({ ...report, cutover_steps: [{ name: 'x', duration_ms: -1, ok: 'yes' }] }).expect(400);
    expect(bad.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['cutover_steps.0.duration_ms', 'cutover_steps.0.ok']);
  });
});
