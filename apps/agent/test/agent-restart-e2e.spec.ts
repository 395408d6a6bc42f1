import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CommandTracker } from '@spot/command-tracker';
import { ManualClock } from '@spot/core';
import { AgentEntity } from '@spot/persistence';
import { ApiActor, describeEachDatabase, TestApi } from '@spot/testing';
import { bearer, FleetHarness, FleetWorld, openFleetWorld } from './support/fleet-harness';

/**
 * Issue 13's lifecycle defects across an agent restart (systemd, crash, upgrade), with the real
 * agent code on simulated instances (IMDS over HTTP) and the real API on a real database:
 * the old instance's agent restarted inside the terminate wait must not take the workload back,
 * and its promised termination must still happen; a promoted replica's agent must start again
 * as the primary although its user data still names the replica.
 */
describeEachDatabase('agent restarts end to end', (db) => {
  let api: TestApi;
  let fleet: FleetHarness;
  let client: FleetWorld['client'];
  let world: FleetWorld;
  const clock = new ManualClock('2026-11-24T12:00:00.000Z');

  beforeAll(async () => {
    world = await openFleetWorld(db(), clock, 'Restart Shop', 'ops@restart.test');
    ({ api, fleet, client } = world);
  });
  afterAll(async () => world?.close());

  const instanceRecord = async (instanceId: string, userToken: string) => {
    const instances = await api.http().get(`/api/client/${client.clientId}/instances`).set(bearer(userToken)).expect(200);
    return instances.body.items.find((i: { instance_id: string }) => i.instance_id === instanceId) as { id: string };
  };
  const stateOf = async (instanceId: string) => (await fleet.cloud.describeInstances([instanceId]))[0]?.state;

  it('the old agent restarted inside the terminate wait stays retired, the workload stays on the new instance, and the old instance still goes', async () => {
    const oldInstance = await fleet.launch('on-demand', 'm5.large', 'eu-west-1a');
    const agent = fleet.agentOn(oldInstance, client.clientToken, 'web-r');
    const session = await agent.boot();
    await api.dataSource.getRepository(AgentEntity).update({ id: session.agentId }, { autoTerminateEnabled: true, terminateWaitSeconds: 300, configVersion: 2 });
    await agent.heartbeatOnce(); // the new configuration (300 s wait)
    await agent.reportPricesOnce();
    const record = await instanceRecord(oldInstance, client.userToken);
    await api.http().post(`/api/client/instances/${record.id}/force-switch`).set(bearer(client.userToken)).send({ target: 'pool', pool_id: 'm5.large.eu-west-1b' }).expect(201);
    const [command] = await agent.pollCommandsOnce();
    expect(command.command_type).toBe('switch');
    const switchedAt = clock.nowMs();
    const newInstance = fleet.cloud.listInstances().find((i) => i.tags['spot-optimizer:source'] === oldInstance)!.instanceId;
    const successor = fleet.agentOn(newInstance, client.clientToken, 'web-r');
    expect((await successor.boot()).role).toBe('primary');

    // A minute into the wait the old instance's agent restarts (its timer was in memory only, before).
    clock.advanceSeconds(60);
    await agent.shutdown(100);
    const restarted = fleet.agentOn(oldInstance, client.clientToken, 'web-r');
    const again = await restarted.boot();
    const [row] = await api.dataSource.query('SELECT instance_id FROM agents WHERE id = ?', [session.agentId]);
    expect(row.instance_id).toBe(newInstance);
    expect(again.role).toBe('retired');
    expect(restarted.pendingTermination).toEqual({ instanceId: oldInstance, at: new Date(switchedAt + 300_000).toISOString() });
    restarted.start(); // a retired agent runs no heartbeat, pricing or command loop: only its report flush
    await successor.heartbeatOnce();
    expect(successor.currentRole).toBe('primary');
    expect(fleet.logLines.some((l) => l.includes('[BOOT] [SUCCESS]') && l.includes('not taking the workload back'))).toBe(true);

    // The termination promised before the restart fires at its time, not later and not never.
    clock.set(switchedAt + 299_000);
    await fleet.timers.settle();
    expect(await stateOf(oldInstance)).toBe('running');
    clock.set(switchedAt + 300_000);
    await fleet.timers.settle();
    clock.advanceSeconds(10);
    expect(await stateOf(oldInstance)).toBe('terminated');
    expect(restarted.pendingTermination).toBeUndefined();
    expect(await stateOf(newInstance)).toBe('running');
    const switches = await api.http().get(`/api/client/${client.clientId}/switches`).set(bearer(client.userToken)).expect(200);
    expect(switches.body.items.filter((s: { command_id: string }) => s.command_id === command.id)).toMatchObject([{ old_instance_id: oldInstance, new_instance_id: newInstance, success: true }]);
    await restarted.shutdown(100);
    await successor.shutdown(100);
  });

  it('without its state file (a wiped disk) the old agent learns from registration that it is retired, and goes at terminate_at', async () => {
    const oldInstance = await fleet.launch('on-demand', 'm5.large', 'eu-west-1a');
    const agent = fleet.agentOn(oldInstance, client.clientToken, 'web-s');
    const session = await agent.boot();
    await api.dataSource.getRepository(AgentEntity).update({ id: session.agentId }, { autoTerminateEnabled: true, terminateWaitSeconds: 300, configVersion: 2 });
    await agent.heartbeatOnce();
    await agent.reportPricesOnce();
    const record = await instanceRecord(oldInstance, client.userToken);
    await api.http().post(`/api/client/instances/${record.id}/force-switch`).set(bearer(client.userToken)).send({ target: 'pool', pool_id: 'm5.large.eu-west-1b' }).expect(201);
    await agent.pollCommandsOnce();
    const switchedAt = clock.nowMs();
    const newInstance = fleet.cloud.listInstances().find((i) => i.tags['spot-optimizer:source'] === oldInstance)!.instanceId;
    const successor = fleet.agentOn(newInstance, client.clientToken, 'web-s');
    await successor.boot();

    clock.advanceSeconds(30);
    await agent.shutdown(100);
    rmSync(join(fleet.stateDir, oldInstance, 'state-web-s.json'));
    const restarted = fleet.agentOn(oldInstance, client.clientToken, 'web-s');
    const again = await restarted.boot();
    expect(again.role).toBe('retired');
    const [row] = await api.dataSource.query('SELECT instance_id FROM agents WHERE id = ?', [session.agentId]);
    expect(row.instance_id).toBe(newInstance);
    expect(restarted.currentRole).toBe('retired');
    expect(Date.parse(restarted.pendingTermination!.at)).toBeGreaterThanOrEqual(switchedAt + 290_000);
    clock.set(Date.parse(restarted.pendingTermination!.at));
    await fleet.timers.settle();
    clock.advanceSeconds(10);
    expect(await stateOf(oldInstance)).toBe('terminated');
    expect(await stateOf(newInstance)).toBe('running');
    await restarted.shutdown(100);
  });

  it('a switch command carrying terminate_wait_seconds uses that wait, not the one the agent last fetched', async () => {
    const oldInstance = await fleet.launch('on-demand', 'm5.large', 'eu-west-1c');
    const agent = fleet.agentOn(oldInstance, client.clientToken, 'web-w');
    const session = await agent.boot(); // configuration: auto-terminate off, 300 s
    const [row] = await api.dataSource.query('SELECT client_id FROM agents WHERE id = ?', [session.agentId]);
    await api.dataSource.getRepository(AgentEntity).update({ id: session.agentId }, { autoTerminateEnabled: true, terminateWaitSeconds: 20 });
    await agent.heartbeatOnce();
    const command = await api.app.get(CommandTracker).issue({
      clientId: row.client_id,
      agentId: session.agentId,
      commandType: 'switch',
      origin: 'manual',
      payload: { mode: 'spot', instance_type: 'm5.large', az: 'eu-west-1b', pool_id: 'm5.large.eu-west-1b', terminate_wait_seconds: 20, auto_terminate_enabled: true },
    });
    expect((await agent.pollCommandsOnce()).map((c) => c.id)).toEqual([command.id]);
    const [done] = await api.dataSource.query('SELECT result FROM commands WHERE id = ?', [command.id]);
    expect(JSON.parse(done.result)).toMatchObject({ terminate_after_seconds: 20 });
    clock.advanceSeconds(20);
    await fleet.timers.settle();
    clock.advanceSeconds(10);
    expect(await stateOf(oldInstance)).toBe('terminated');
  });

  it("a promoted replica's agent restarts as the primary (its user data still names the replica) and takes commands again", async () => {
    const instance = await fleet.launch('spot', 'm5.large', 'eu-west-1b');
    const primary = fleet.agentOn(instance, client.clientToken, 'shop-p');
    const { agentId } = await primary.boot();
    fleet.cloud.scheduleInterruption(instance, { actionAt: new Date(clock.nowMs() + 120_000) });
    await primary.checkInterruptionsOnce(); // notice → emergency launch by the dying agent
    const replacement = fleet.cloud.listInstances().find((i) => i.tags['spot-optimizer:source'] === instance)!.instanceId;
    clock.advanceSeconds(45);
    const standby = fleet.agentOn(replacement, client.clientToken, 'shop-p');
    expect((await standby.boot()).role).toBe('replica');
    await standby.reportSyncOnce(100); // ready → promoted
    await standby.heartbeatOnce();
    expect(standby.currentRole).toBe('primary');
    await standby.pollCommandsOnce();

    // systemd restarts the agent of the promoted replica.
    await standby.shutdown(100);
    clock.advanceSeconds(30);
    const restarted = fleet.agentOn(replacement, client.clientToken, 'shop-p');
    const session = await restarted.boot();
    expect(session).toMatchObject({ agentId, role: 'primary' });
    const [row] = await api.dataSource.query('SELECT instance_id FROM agents WHERE id = ?', [agentId]);
    expect(row.instance_id).toBe(replacement);

    // A force-switch no longer stays pending: the restarted primary claims and carries it out.
    const userToken = await new ApiActor(api).login('ops@restart.test', 'password-123');
    await restarted.reportPricesOnce();
    const record = await instanceRecord(replacement, userToken);
    const runsIn = fleet.cloud.listInstances().find((i) => i.instanceId === replacement)!;
    const elsewhere = `m5.large.${runsIn.az === 'eu-west-1a' && runsIn.mode === 'spot' ? 'eu-west-1c' : 'eu-west-1a'}`;
    await api.http().post(`/api/client/instances/${record.id}/force-switch`).set(bearer(userToken)).send({ target: 'pool', pool_id: elsewhere }).expect(201);
    const commands = await restarted.pollCommandsOnce();
    expect(commands.map((c) => c.command_type)).toEqual(['switch']);
    const [done] = await api.dataSource.query('SELECT status FROM commands WHERE id = ?', [commands[0].id]);
    expect(done.status).toBe('completed');
    expect(restarted.currentRole).toBe('retired');
  });
});
