import { INestApplicationContext } from '@nestjs/common';
import { ApiActor, bearer, describeEachDatabase, freshInstanceId, putSpotPrices, startTestApi, startTestScheduler, TestApi } from '@spot/testing';
import { LeftoverTerminationJob, ReplicaTimeoutJob } from '../../scheduler/src/jobs/instance-lifecycle.jobs';

/**
 * Issue 13: replicas that never finish, and instances left behind after a switch. The API and
 * the scheduler share the database, as in production; the agents are played over HTTP.
 * - a dry run (SAFE_MODE) launch leaves no live replica, so a later rebalance launches a real one;
 * - launching (10 min) and syncing (30 min without a report) replicas time out: failed, their
 *   instance terminated through a terminate-instance command, an event and a notification;
 * - a replaced instance still there after its terminate wait is terminated by the control plane
 *   and the instance and switch records say when.
 */

const MARKET = [
  { instanceType: 'm5.large', az: 'eu-west-1a', price: 0.04 },
  { instanceType: 'm5.large', az: 'eu-west-1b', price: 0.045 },
  { instanceType: 'm5.large', az: 'eu-west-1c', price: 0.05 },
];

interface Placed {
  agentId: string;
  agentToken: string;
  instanceId: string;
}

describeEachDatabase('replicas that never finish, instances left behind', (db) => {
  let api: TestApi;
  let scheduler: INestApplicationContext;
  let client: { userToken: string; clientId: string; clientToken: string };

  beforeAll(async () => {
    api = await startTestApi(db());
    scheduler = await startTestScheduler(db(), api.clock);
    await putSpotPrices(api.dataSource, api.clock, MARKET);
  });
  beforeEach(async () => {
    // One client per test: the free plan's agent limit is small.
    client = await new ApiActor(api).signup('Lifecycle Co', `ops-${Math.random().toString(36).slice(2, 8)}@lifecycle.test`);
    // Prices stay fresh as the virtual clock moves on.
    await putSpotPrices(api.dataSource, api.clock, MARKET);
  });
  afterAll(async () => {
    await scheduler?.close();
    await api?.close();
  });

  const rows = (sql: string, params: unknown[] = []) => api.dataSource.query(sql, params);
  const http = () => api.http();
  const place = async (logicalId: string): Promise<Placed> => {
    const instanceId = freshInstanceId();
    const agent = await new ApiActor(api).register(client.clientToken, { logical_agent_id: logicalId, instance_id: instanceId, az: 'eu-west-1a', mode: 'spot' });
    return { agentId: agent.agentId, agentToken: agent.agentToken, instanceId };
  };
  const claim = async (agent: Placed) => (await http().get(`/api/agents/${agent.agentId}/pending-commands`).set(bearer(agent.agentToken)).expect(200)).body.commands as Array<{ id: string; command_type: string; payload: Record<string, unknown> }>;
  const report = (agent: Placed, commandId: string, body: Record<string, unknown>) => http().post(`/api/agents/${agent.agentId}/commands/${commandId}/executed`).set(bearer(agent.agentToken)).send(body).expect(200);
  const replicaRow = async (id: string) => (await rows('SELECT status, is_active, instance_id, sync_status FROM replica_instances WHERE id = ?', [id]))[0];
  const runTimeouts = () => scheduler.get(ReplicaTimeoutJob).run();
  const runLeftovers = () => scheduler.get(LeftoverTerminationJob).run();

  it('a dry-run launch leaves no live replica, and the next rebalance launches a real one', async () => {
    const web = await place('safe-mode');
    const first = await http().post(`/api/agents/${web.agentId}/create-emergency-replica`).set(bearer(web.agentToken)).send({ instance_id: web.instanceId }).expect(200);
    const [launch] = await claim(web);
    expect(launch).toMatchObject({ command_type: 'launch-replica', payload: { replica_id: first.body.replica_id } });
    await report(web, launch.id, { success: true, result: { dry_run: true, would_execute: 'RunInstances m5.large eu-west-1b' } });

    const phantom = await replicaRow(first.body.replica_id);
    expect(phantom.status).toBe('failed');
    expect(Boolean(Number(phantom.is_active))).toBe(false);
    const [agent] = await rows('SELECT replica_count, current_replica_id FROM agents WHERE id = ?', [web.agentId]);
    expect([Number(agent.replica_count), agent.current_replica_id]).toEqual([0, null]);
    const notes = await rows("SELECT category, severity, title FROM notifications WHERE agent_id = ? AND category = 'replica'", [web.agentId]);
    expect(notes).toEqual([{ category: 'replica', severity: 'warning', title: 'Replica not launched (dry run)' }]);
    const [event] = await rows("SELECT metadata FROM system_events WHERE agent_id = ? AND event_type = 'replica.failed'", [web.agentId]);
    expect(JSON.parse(event.metadata)).toMatchObject({ replica_id: first.body.replica_id, reason: 'dry-run', was: 'launching', instance_id: null });

    // SAFE_MODE is off again; a real rebalance is answered with a new replica and a launch command.
    api.clock.advanceSeconds(60);
    const asked = (await http().post(`/api/agents/${web.agentId}/create-emergency-replica`).set(bearer(web.agentToken)).send({ instance_id: web.instanceId }).expect(200)).body;
    expect(asked).toMatchObject({ event_id: first.body.event_id, response_action: 'created-emergency-replica', replica_id: expect.any(String) });
    expect(asked.replica_id).not.toBe(first.body.replica_id);
    const [next] = await claim(web);
    expect(next).toMatchObject({ command_type: 'launch-replica', payload: { replica_id: asked.replica_id } });
    expect((await replicaRow(asked.replica_id)).status).toBe('launching');
  });

  it('a failed launch fails its replica at once too', async () => {
    const web = await place('failing-launch');
    const created = await http().post(`/api/agents/${web.agentId}/create-emergency-replica`).set(bearer(web.agentToken)).send({ instance_id: web.instanceId }).expect(200);
    const [launch] = await claim(web);
    await report(web, launch.id, { success: false, error_message: 'InsufficientInstanceCapacity' });
    expect((await replicaRow(created.body.replica_id)).status).toBe('failed');
  });

  it('a replica whose agent never comes up times out after 10 minutes launching, and its instance is terminated', async () => {
    const web = await place('never-up');
    const created = await http().post(`/api/agents/${web.agentId}/create-emergency-replica`).set(bearer(web.agentToken)).send({ instance_id: web.instanceId }).expect(200);
    const [launch] = await claim(web);
    const launchedOn = freshInstanceId();
    // The primary's agent launched it (a real launch); the replica's own agent never registers.
    await report(web, launch.id, { success: true, result: { replica_id: created.body.replica_id, instance_id: launchedOn } });
    expect(await replicaRow(created.body.replica_id)).toMatchObject({ status: 'launching', instance_id: launchedOn });

    api.clock.advanceSeconds(9 * 60);
    await runTimeouts();
    expect((await replicaRow(created.body.replica_id)).status).toBe('launching');

    api.clock.advanceSeconds(61);
    expect(await runTimeouts()).toMatchObject({ status: 'completed', summary: expect.stringMatching(/replicas timed out/) });
    expect(await replicaRow(created.body.replica_id)).toMatchObject({ status: 'failed', sync_status: 'launch-timeout' });
    const [terminate] = await claim(web);
    expect(terminate).toMatchObject({ command_type: 'terminate-instance', payload: { instance_id: launchedOn, replica_id: created.body.replica_id, reason: 'launch-timeout' } });
    const notes = await rows("SELECT title FROM notifications WHERE agent_id = ? AND category = 'replica'", [web.agentId]);
    expect(notes).toEqual([{ title: 'Replica launch timeout' }]);

    // Idempotent: nothing more on the next run.
    api.clock.advanceSeconds(60);
    await runTimeouts();
    const [count] = await rows("SELECT COUNT(*) AS n FROM commands WHERE agent_id = ? AND command_type = 'terminate-instance'", [web.agentId]);
    expect(Number(count.n)).toBe(1);
  });

  it('a syncing replica without a report for 30 minutes times out', async () => {
    const web = await place('stuck-sync');
    const created = await http().post(`/api/agents/${web.agentId}/create-emergency-replica`).set(bearer(web.agentToken)).send({ instance_id: web.instanceId }).expect(200);
    const replicaInstance = freshInstanceId();
    const reg = await http()
      .post('/api/agents/register')
      .set(bearer(client.clientToken))
      .send({ logical_agent_id: 'stuck-sync', instance_id: replicaInstance, instance_type: 'm5.large', region: 'eu-west-1', az: 'eu-west-1b', mode: 'spot', replica_id: created.body.replica_id })
      .expect(201);
    await http().post(`/api/agents/${web.agentId}/replicas/${created.body.replica_id}/sync-status`).set(bearer(reg.body.agent_token)).send({ progress: 40 }).expect(200);

    // Reports keep it alive past the launch limit …
    api.clock.advanceSeconds(20 * 60);
    await http().post(`/api/agents/${web.agentId}/replicas/${created.body.replica_id}/sync-status`).set(bearer(reg.body.agent_token)).send({ progress: 60 }).expect(200);
    api.clock.advanceSeconds(29 * 60);
    await runTimeouts();
    expect((await replicaRow(created.body.replica_id)).status).toBe('syncing');
    // … then its agent dies.
    api.clock.advanceSeconds(2 * 60);
    await runTimeouts();
    expect(await replicaRow(created.body.replica_id)).toMatchObject({ status: 'failed', sync_status: 'sync-timeout' });
    const commands = await claim(web);
    expect(commands.find((c) => c.command_type === 'terminate-instance')?.payload).toMatchObject({ instance_id: replicaInstance, reason: 'sync-timeout' });
    // Its agent restarting now is retired, and told to end its instance.
    const again = await http()
      .post('/api/agents/register')
      .set(bearer(client.clientToken))
      .send({ logical_agent_id: 'stuck-sync', instance_id: replicaInstance, instance_type: 'm5.large', region: 'eu-west-1', az: 'eu-west-1b', mode: 'spot', replica_id: created.body.replica_id })
      .expect(201);
    expect(again.body).toMatchObject({ role: 'retired', retired_reason: 'replica-ended', terminate_at: api.clock.now().toISOString() });
  });

  it('terminates a replaced instance its agent left running after the terminate wait, and records it on the instance and the switch', async () => {
    const old = await place('leftover');
    await http().post(`/api/client/agents/${old.agentId}/config`).set(bearer(client.userToken)).send({ terminate_wait_seconds: 120 }).expect(200);
    const newInstanceId = freshInstanceId();
    const fresh = await new ApiActor(api).register(client.clientToken, { logical_agent_id: 'leftover', instance_id: newInstanceId, az: 'eu-west-1b', mode: 'spot' });
    const movedAt = api.clock.now();
    await http().post(`/api/agents/${old.agentId}/switch-report`).set(bearer(old.agentToken)).send({ new_instance_id: newInstanceId, mode: 'spot', pool_id: 'm5.large.eu-west-1b', success: true }).expect(200);
    const newAgent: Placed = { agentId: fresh.agentId, agentToken: fresh.agentToken, instanceId: newInstanceId };

    // Inside the wait plus grace (120 s + 60 s): the old agent is expected to end its instance itself.
    api.clock.advanceSeconds(179);
    await runLeftovers();
    expect(await claim(newAgent)).toEqual([]);

    // The next run (job periods are a minute: apps/scheduler/src/job-periods.ts) is past the wait.
    api.clock.advanceSeconds(61);
    await http().post(`/api/agents/${old.agentId}/heartbeat`).set(bearer(newAgent.agentToken)).send({ instance_id: newInstanceId }).expect(200);
    expect(await runLeftovers()).toMatchObject({ summary: expect.stringMatching(/^1 terminations queued/) });
    const [terminate] = await claim(newAgent);
    expect(terminate).toMatchObject({ command_type: 'terminate-instance', payload: { instance_id: old.instanceId, reason: 'terminate-wait-elapsed' } });
    expect(terminate.payload.terminate_after).toBe(new Date(movedAt.getTime() + 120_000).toISOString());
    // While it runs, nothing more is queued.
    await runLeftovers();
    expect(await claim(newAgent)).toEqual([]);

    api.clock.advanceSeconds(5);
    await report(newAgent, terminate.id, { success: true, result: { terminated: old.instanceId, state: 'shutting-down' } });
    const doneAt = api.clock.now().toISOString();
    api.clock.advanceSeconds(60);
    expect(await runLeftovers()).toMatchObject({ summary: expect.stringMatching(/^0 terminations queued, 1 done/) });
    const instances = await http().get(`/api/client/${client.clientId}/instances?status=all`).set(bearer(client.userToken)).expect(200);
    const oldRecord = instances.body.items.find((i: { instance_id: string }) => i.instance_id === old.instanceId);
    expect(oldRecord).toMatchObject({ is_active: false, terminated_at: doneAt });
    const switches = await http().get(`/api/client/${client.clientId}/switches`).set(bearer(client.userToken)).expect(200);
    expect(switches.body.items.find((s: { old_instance_id: string }) => s.old_instance_id === old.instanceId)).toMatchObject({ old_terminated_at: doneAt });

    // Idempotent: nothing is queued or changed again.
    api.clock.advanceSeconds(600);
    expect(await runLeftovers()).toMatchObject({ summary: expect.stringMatching(/^0 terminations queued, 0 done/) });
    const [count] = await rows("SELECT COUNT(*) AS n FROM commands WHERE agent_id = ? AND command_type = 'terminate-instance'", [old.agentId]);
    expect(Number(count.n)).toBe(1);
  });

  it('tries a failed or dry-run termination again, then gives up and says so', async () => {
    const old = await place('stubborn');
    const newInstanceId = freshInstanceId();
    const fresh = await new ApiActor(api).register(client.clientToken, { logical_agent_id: 'stubborn', instance_id: newInstanceId, az: 'eu-west-1b', mode: 'spot' });
    const newAgent: Placed = { agentId: fresh.agentId, agentToken: fresh.agentToken, instanceId: newInstanceId };
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      api.clock.advanceSeconds(400);
      await http().post(`/api/agents/${old.agentId}/heartbeat`).set(bearer(newAgent.agentToken)).send({ instance_id: newInstanceId }).expect(200);
      await runLeftovers();
      const [terminate] = await claim(newAgent);
      expect(terminate.payload).toMatchObject({ instance_id: old.instanceId, attempt });
      // The second attempt meets an agent in SAFE_MODE: a dry run terminates nothing.
      await report(newAgent, terminate.id, attempt === 2 ? { success: true, result: { dry_run: true, would_execute: `TerminateInstances ${old.instanceId}` } } : { success: false, error_message: 'UnauthorizedOperation' });
    }
    api.clock.advanceSeconds(60);
    expect(await runLeftovers()).toMatchObject({ summary: expect.stringMatching(/1 settled/) });
    const notes = await rows("SELECT severity, title FROM notifications WHERE agent_id = ? AND category = 'instance'", [old.agentId]);
    expect(notes).toEqual([{ severity: 'critical', title: `Instance ${old.instanceId} still running` }]);
    api.clock.advanceSeconds(600);
    expect(await runLeftovers()).toMatchObject({ summary: expect.stringMatching(/^0 terminations queued, 0 done, 0 settled/) });
  });
});
