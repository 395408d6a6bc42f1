import { ManualClock } from '@spot/core';
import { describeEachDatabase, TestApi } from '@spot/testing';
import { bearer, FleetHarness, FleetWorld, openFleetWorld } from './support/fleet-harness';

/**
 * Seed 004 Scenarios 2 and 3 with the real agent code on both instances, the simulated cloud
 * and IMDS, and the real API: a rebalance brings an emergency replica whose own agent syncs it
 * to ready; the 2-minute notice then promotes it, and the replica's agent carries on as the
 * primary. Without a replica, the notice brings an emergency launch that is promoted when ready.
 */
describeEachDatabase('interruption path end to end', (db) => {
  let api: TestApi;
  let fleet: FleetHarness;
  let client: FleetWorld['client'];
  let world: FleetWorld;
  const clock = new ManualClock('2026-11-24T12:00:00.000Z');

  beforeAll(async () => {
    world = await openFleetWorld(db(), clock, 'Interrupted Ltd', 'ops@interrupted.test');
    ({ api, fleet, client } = world);
  });
  afterAll(async () => world?.close());

  it('rebalance → emergency replica (its agent syncs it) → termination notice → replica promoted, its agent the primary', async () => {
    const primaryInstance = await fleet.launch('spot', 'm5.large', 'eu-west-1a');
    const primary = fleet.agentOn(primaryInstance, client.clientToken, 'shop-1', { rebalanceAlwaysReplica: true });
    const { agentId, agentToken } = await primary.boot();
    await primary.reportPricesOnce();

    // Scenario 2: the rebalance recommendation shows in IMDS.
    const noticeAt = clock.nowMs() + 15 * 60_000;
    fleet.cloud.scheduleInterruption(primaryInstance, { rebalanceAt: new Date(clock.nowMs()), actionAt: new Date(noticeAt + 120_000) });
    await primary.checkInterruptionsOnce();
    const [commandsAfterRebalance] = [await primary.pollCommandsOnce()];
    expect(commandsAfterRebalance.map((c) => c.command_type)).toEqual(['launch-replica']);
    const replicaId = String(commandsAfterRebalance[0].payload?.replica_id);
    const replicaInstance = fleet.cloud.listInstances().find((i) => i.tags['spot-optimizer:source'] === primaryInstance);
    expect(replicaInstance).toBeDefined();
    expect(replicaInstance?.instanceId).not.toBe(primaryInstance);

    // The replica instance boots the agent: its user data makes it that replica.
    clock.advanceSeconds(60);
    const standby = fleet.agentOn(replicaInstance!.instanceId, client.clientToken, 'shop-1');
    const standbySession = await standby.boot();
    expect(standbySession).toMatchObject({ agentId, role: 'replica' });
    expect(await standby.pollCommandsOnce()).toEqual([]); // a standby never takes the primary's commands
    await standby.reportSyncOnce(50);
    await standby.reportSyncOnce(100);
    const replicas = await api.http().get(`/api/agents/${agentId}/replicas`).set(bearer(agentToken)).expect(200);
    expect(replicas.body.items[0]).toMatchObject({ id: replicaId, status: 'ready', instance_id: replicaInstance!.instanceId, replica_type: 'automatic-rebalance' });

    // Scenario 3: the 2-minute notice.
    clock.set(noticeAt);
    await primary.heartbeatOnce();
    await primary.checkInterruptionsOnce();
    expect(fleet.logLines.some((l) => l.includes('[TERMINATION-NOTICE] [DETECTED]'))).toBe(true);
    const [agentRow] = await api.dataSource.query('SELECT instance_id FROM agents WHERE id = ?', [agentId]);
    expect(agentRow.instance_id).toBe(replicaInstance!.instanceId);
    const [event] = await api.dataSource.query("SELECT response_action, failover_completed FROM spot_interruption_events WHERE agent_id = ? AND signal_type = 'termination-notice'", [agentId]);
    expect(event.response_action).toBe('promoted-existing-replica');
    expect(Boolean(event.failover_completed)).toBe(true);
    expect(await primary.reportPricesOnce()).toBeUndefined(); // non-critical work stopped

    // The dying primary took the promotion command right after its notice and stepped back.
    const [promotion] = await api.dataSource.query("SELECT status, result FROM commands WHERE agent_id = ? AND command_type = 'promote-replica'", [agentId]);
    expect(promotion.status).toBe('completed');
    expect(JSON.parse(promotion.result)).toMatchObject({ acknowledged_by: primaryInstance, new_primary: replicaInstance!.instanceId, stepped_back: true });
    // The standby learns from its heartbeat that it is the primary now, and polls commands from then on.
    await standby.heartbeatOnce();
    expect(standby.currentRole).toBe('primary');
    expect(await standby.pollCommandsOnce()).toEqual([]);
    await standby.reportPricesOnce();
    const [{ n: fromNewPrimary }] = await api.dataSource.query("SELECT COUNT(*) AS n FROM pricing_submissions_raw WHERE agent_id = ? AND instance_id = ? AND reporter_role = 'primary'", [agentId, replicaInstance!.instanceId]);
    expect(Number(fromNewPrimary)).toBeGreaterThan(0);
    const switches = await api.http().get(`/api/client/${client.clientId}/switches`).set(bearer(client.userToken)).expect(200);
    expect(switches.body.items[0]).toMatchObject({ old_instance_id: primaryInstance, new_instance_id: replicaInstance!.instanceId, trigger: 'automatic-interruption-failover', success: true });
    const [{ n: open }] = await api.dataSource.query("SELECT COUNT(*) AS n FROM commands WHERE agent_id = ? AND status IN ('pending', 'executing')", [agentId]);
    expect(Number(open)).toBe(0);
    expect(primary.queue.size + standby.queue.size).toBe(0);
  });

  it('termination notice without a replica → emergency launch by the dying agent → promoted once ready', async () => {
    const instance = await fleet.launch('spot', 'm5.large', 'eu-west-1b');
    const primary = fleet.agentOn(instance, client.clientToken, 'shop-2');
    const { agentId } = await primary.boot();
    fleet.cloud.scheduleInterruption(instance, { actionAt: new Date(clock.nowMs() + 120_000) });
    await primary.checkInterruptionsOnce(); // notice → termination-imminent → emergency-launch, run at once
    const replacement = fleet.cloud.listInstances().find((i) => i.tags['spot-optimizer:source'] === instance);
    expect(replacement).toBeDefined();
    const [launch] = await api.dataSource.query("SELECT command_type, status FROM commands WHERE agent_id = ? AND command_type = 'emergency-launch'", [agentId]);
    expect(launch.status).toBe('completed');

    clock.advanceSeconds(45);
    const successor = fleet.agentOn(replacement!.instanceId, client.clientToken, 'shop-2');
    expect((await successor.boot()).role).toBe('replica');
    await successor.reportSyncOnce(100); // ready → promoted at once (automatic-termination)
    await successor.heartbeatOnce();
    expect(successor.currentRole).toBe('primary');
    const [agentRow] = await api.dataSource.query('SELECT instance_id FROM agents WHERE id = ?', [agentId]);
    expect(agentRow.instance_id).toBe(replacement!.instanceId);
    expect((await successor.pollCommandsOnce()).map((c) => c.command_type)).toEqual(['promote-replica']);
  });
});
