import { CommandTracker } from '@spot/command-tracker';
import { DecisionLoop } from '@spot/decisions';
import { ManualClock } from '@spot/core';
import { AgentEntity } from '@spot/persistence';
import { ApiActor, describeEachDatabase, TestApi } from '@spot/testing';
import { bearer, FleetHarness, FleetWorld, openFleetWorld } from './support/fleet-harness';

/**
 * The real agent code on a simulated instance (IMDS over HTTP), against the real API on a real
 * database: register → pricing reports → the decision loop's switch command → the switch carried
 * out on the simulated cloud (AMI, launch, running) → switch-report → instance records and savings.
 */
describeEachDatabase('agent end to end against the API', (db) => {
  let api: TestApi;
  let fleet: FleetHarness;
  let client: FleetWorld['client'];
  let world: FleetWorld;
  const clock = new ManualClock('2026-11-24T12:00:00.000Z');

  beforeAll(async () => {
    world = await openFleetWorld(db(), clock, 'Agent Shop', 'ops@agent-e2e.test');
    ({ api, fleet, client } = world);
  });
  afterAll(async () => world?.close());

  it('registers from IMDS, reports prices, executes the automatic switch and reports it; records and savings follow', async () => {
    const oldInstance = await fleet.launch('on-demand', 'm5.large', 'eu-west-1a');
    const agent = fleet.agentOn(oldInstance, client.clientToken, 'web-1');
    const session = await agent.boot();
    expect(session.role).toBe('primary');
    const [registered] = await api.dataSource.query('SELECT instance_id, instance_type, az, current_mode FROM agents WHERE id = ?', [session.agentId]);
    expect(registered).toEqual({ instance_id: oldInstance, instance_type: 'm5.large', az: 'eu-west-1a', current_mode: 'on-demand' });
    await api.dataSource.getRepository(AgentEntity).update({ id: session.agentId }, { autoSwitchEnabled: true, autoTerminateEnabled: true, terminateWaitSeconds: 120, configVersion: 2 });

    const priced = await agent.reportPricesOnce();
    expect(priced).toMatchObject({ delivered: 1, remaining: 0 });
    const [{ n: raw }] = await api.dataSource.query('SELECT COUNT(*) AS n FROM pricing_submissions_raw WHERE agent_id = ?', [session.agentId]);
    expect(Number(raw)).toBe(5); // m5.large ×3 AZs, m5a.large, m6i.large: — the market's pools of its type and similar types
    await agent.heartbeatOnce();

    const summary = await api.app.get(DecisionLoop).runOnce();
    expect(summary.outcomes['command-issued']).toBe(1);

    const started = clock.nowMs();
    const commands = await agent.pollCommandsOnce();
    expect(commands.map((c) => [c.command_type, c.payload?.pool_id])).toEqual([['switch', 'm5a.large.eu-west-1b']]);

    // On the cloud: an AMI of the old instance, a spot m5a.large in eu-west-1b, running.
    const [newInstance] = fleet.cloud.listInstances().filter((i) => i.instanceId !== oldInstance);
    expect(newInstance).toMatchObject({ instanceType: 'm5a.large', az: 'eu-west-1b', mode: 'spot', state: 'running', tags: { 'spot-optimizer:agent': 'web-1' } });
    expect(clock.nowMs() - started).toBeGreaterThanOrEqual(90_000); // image 50 s + boot 40 s, waited on the clock

    const switches = await api.http().get(`/api/client/${client.clientId}/switches`).set(bearer(client.userToken)).expect(200);
    expect(switches.body.items).toHaveLength(1);
    expect(switches.body.items[0]).toMatchObject({
      old_instance_id: oldInstance,
      new_instance_id: newInstance.instanceId,
      new_mode: 'spot',
      new_pool_id: 'm5a.large.eu-west-1b',
      new_price: 0.03,
      old_price: 0.107,
      trigger: 'automatic',
      success: true,
      command_id: commands[0].id,
    });
    expect(switches.body.items[0].instance_ready_at).not.toBeNull();
    const [command] = await api.dataSource.query('SELECT status, result FROM commands WHERE id = ?', [commands[0].id]);
    expect(command.status).toBe('completed');
    expect(JSON.parse(command.result)).toMatchObject({ new_instance_id: newInstance.instanceId, mode: 'spot', terminate_after_seconds: 120 });

    const instances = await api.http().get(`/api/client/${client.clientId}/instances?status=all`).set(bearer(client.userToken)).expect(200);
    const byId = new Map(instances.body.items.map((i: { instance_id: string }) => [i.instance_id, i]));
    expect(byId.get(newInstance.instanceId)).toMatchObject({ is_active: true, current_mode: 'spot', current_pool_id: 'm5a.large.eu-west-1b', spot_price: 0.03 });
    expect(byId.get(oldInstance)).toMatchObject({ is_active: false });

    // The new instance boots the same agent image: it registers and carries on as the primary.
    const successor = fleet.agentOn(newInstance.instanceId, client.clientToken, 'web-1');
    expect((await successor.boot()).agentId).toBe(session.agentId);
    expect(agent.currentRole).toBe('retired');

    // Auto-terminate: the old instance goes after terminate_wait_seconds.
    clock.advanceSeconds(119);
    expect(fleet.timers.runDue()).toBe(0);
    clock.advanceSeconds(1);
    expect(fleet.timers.runDue()).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    clock.advanceSeconds(10);
    expect((await fleet.cloud.describeInstances([oldInstance]))[0].state).toBe('terminated');

    // Ten hours on spot at $0.03 instead of m5a.large's $0.096 on-demand.
    clock.advanceSeconds(10 * 3600);
    const savings = await api.http().get(`/api/client/${client.clientId}/savings`).set(bearer(client.userToken)).expect(200);
    expect(savings.body.total_savings).toBeGreaterThan(0.6);
    expect(savings.body.current_savings_per_h).toBeCloseTo(0.066, 6);
  });

  it('cleanup command: the agent removes its AMIs past retention and their snapshots, and reports it once', async () => {
    const [agentRow] = await api.dataSource.query("SELECT id, client_id, instance_id FROM agents WHERE logical_agent_id = 'web-1'");
    const agent = fleet.agentOn(agentRow.instance_id, client.clientToken, 'web-1');
    const session = await agent.boot();
    const ownImages = await fleet.cloud.describeImages({ tags: { 'spot-optimizer:agent': 'web-1' } });
    expect(ownImages).toHaveLength(1); // the switch's AMI, ten hours old
    clock.advanceSeconds(8 * 86400);
    await agent.heartbeatOnce();
    const command = await api.app.get(CommandTracker).issue({
      clientId: agentRow.client_id,
      agentId: session.agentId,
      commandType: 'cleanup',
      origin: 'manual',
      payload: { retention_days: 7, keep_latest: 0 },
    });
    expect((await agent.pollCommandsOnce()).map((c) => c.id)).toEqual([command.id]);
    expect(await fleet.cloud.describeImages({ tags: { 'spot-optimizer:agent': 'web-1' } })).toEqual([]);
    expect(await fleet.cloud.describeImages({ imageIds: [fleet.baseImage] })).toHaveLength(1); // not the agent's: untouched

    const [log] = await api.dataSource.query('SELECT id, cleanup_type, amis_deleted, snapshots_deleted, retention_days, success FROM cleanup_logs WHERE agent_id = ?', [session.agentId]);
    expect(log).toMatchObject({ cleanup_type: 'full', amis_deleted: 1, snapshots_deleted: 1, retention_days: 7 });
    expect(Boolean(log.success)).toBe(true);
    const [done] = await api.dataSource.query('SELECT status FROM commands WHERE id = ?', [command.id]);
    expect(done.status).toBe('completed');

    // The same report again (a lost answer) is recorded once; a malformed one stores nothing.
    const again = await api
      .http()
      .post(`/api/agents/${session.agentId}/cleanup-report`)
      .set(bearer(session.agentToken))
      .send({ report_id: log.id, cleanup_type: 'full', amis_deleted: 1, snapshots_deleted: 1, success: true, started_at: clock.now().toISOString() })
      .expect(200);
    expect(again.body).toMatchObject({ duplicate: true, cleanup: { id: log.id, amis_deleted: 1 } });
    const bad = await api.http().post(`/api/agents/${session.agentId}/cleanup-report`).set(bearer(session.agentToken)).send({ report_id: 'x', cleanup_type: 'all', amis_deleted: -1, success: 'yes' }).expect(400);
    expect(bad.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['amis_deleted', 'cleanup_type', 'report_id', 'snapshots_deleted', 'started_at', 'success']);
    const [{ n }] = await api.dataSource.query('SELECT COUNT(*) AS n FROM cleanup_logs');
    expect(Number(n)).toBe(1);

    // Its own daily pass (CLEANUP_INTERVAL_HOURS) finds nothing left and says so.
    expect(await agent.cleanupOnce()).toMatchObject({ images: [], snapshots: [], dry_run: false });
    const logs = await api.dataSource.query('SELECT amis_deleted FROM cleanup_logs WHERE agent_id = ?', [session.agentId]);
    expect(logs.map((l: { amis_deleted: number }) => Number(l.amis_deleted)).sort()).toEqual([0, 1]);
  });

  it('SAFE_MODE=true: a forced switch only goes out as DryRun calls, logged as "would execute", and nothing changes', async () => {
    const instanceId = await fleet.launch('on-demand', 'm5.large', 'eu-west-1c');
    const agent = fleet.agentOn(instanceId, client.clientToken, 'careful-1', { dryRun: true });
    const { agentId } = await agent.boot();
    const before = fleet.cloud.listInstances().length;
    const userToken = await new ApiActor(api).login('ops@agent-e2e.test', 'password-123'); // days have passed: a fresh JWT
    try {
      const instances = await api.http().get(`/api/client/${client.clientId}/instances`).set(bearer(userToken)).expect(200);
      const record = instances.body.items.find((i: { instance_id: string }) => i.instance_id === instanceId);
      await agent.reportPricesOnce();
      await api.http().post(`/api/client/instances/${record.id}/force-switch`).set(bearer(userToken)).send({ target: 'pool', pool_id: 'm5.large.eu-west-1b' }).expect(201);
      const [command] = await agent.pollCommandsOnce();
      expect(command.command_type).toBe('switch');
      expect(fleet.cloud.listInstances()).toHaveLength(before);
      const [row] = await api.dataSource.query('SELECT status, result FROM commands WHERE id = ?', [command.id]);
      expect(row.status).toBe('completed');
      expect(JSON.parse(row.result)).toEqual({
        dry_run: true,
        would_execute: [expect.stringMatching(/^CreateImage of i-/), expect.stringMatching(/^RunInstances spot m5\.large in eu-west-1b from ami-/)],
      });
      expect(fleet.logLines.filter((l) => l.includes('[SAFE_MODE] Would execute:'))).toHaveLength(2);
      const [agentRow] = await api.dataSource.query('SELECT instance_id FROM agents WHERE id = ?', [agentId]);
      expect(agentRow.instance_id).toBe(instanceId);
    } finally {
      fleet.cloud.setSafeMode(false);
    }
  });
});
