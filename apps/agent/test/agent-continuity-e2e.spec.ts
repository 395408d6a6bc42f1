import { SimulatedContinuity } from '@spot/cloud';
import { ScriptedHookRunner, SIM_TARGET_GROUP_ARN } from '@spot/continuity';
import { ManualClock } from '@spot/core';
import { AgentEntity } from '@spot/persistence';
import { describeEachDatabase, TestApi } from '@spot/testing';
import { ManualTimers } from '../src';
import { bearer, FleetHarness, FleetWorld, openFleetWorld } from './support/fleet-harness';

/**
 * Timers whose sleeps move the clock in 100 ms steps and sample, after each, whether clients
 * reach an instance that holds the data through every configured way in: the simulated gap
 * (as `SimulatedSwitch` does for the benchmark), to compare with the agent's `downtime_ms`.
 */
class SamplingTimers extends ManualTimers {
  constructor(
    private readonly manual: ManualClock,
    private readonly tick: () => void,
  ) {
    super(manual);
  }

  override async sleep(ms: number): Promise<void> {
    this.tick();
    let left = ms;
    while (left > 0) {
      const step = Math.min(100, left);
      this.manual.advance(step);
      left -= step;
      this.tick();
    }
  }
}

interface Workload {
  targetGroups: string[];
  allocationId?: string;
  volumes: string[];
}

/** Unserved intervals: no running instance with (a copy of) every data volume behind every way in. */
class TrafficSampler {
  sampling = false;
  private since?: number;
  readonly gaps: Array<{ from: number; to: number }> = [];
  private workload: Workload = { targetGroups: [], volumes: [] };

  constructor(
    private readonly clock: ManualClock,
    private readonly fleet: FleetHarness,
    private readonly continuity: SimulatedContinuity,
  ) {}

  served(): boolean {
    const view = this.continuity.trafficView();
    const attachments = this.continuity.volumeAttachments();
    const state = this.fleet.cloud.instanceView();
    const holdsData = (id: string | undefined) =>
      !!id && state.stateOf(id) === 'running' && this.workload.volumes.every((v) => attachments.some((a) => a.instanceId === id && (a.volumeId === v || a.sourceVolumeId === v)));
    if (!this.workload.targetGroups.every((arn) => (view.targetGroups[arn] ?? []).some(holdsData))) return false;
    if (this.workload.allocationId && !holdsData(view.addresses[this.workload.allocationId])) return false;
    return true;
  }

  sample(): void {
    if (!this.sampling) return;
    const ok = this.served();
    const now = this.clock.nowMs();
    if (!ok && this.since === undefined) this.since = now;
    if (ok && this.since !== undefined) {
      this.gaps.push({ from: this.since, to: now });
      this.since = undefined;
    }
  }

  /** A new workload to watch, with no gaps yet. */
  watch(workload: Workload): void {
    this.workload = workload;
    this.gaps.length = 0;
    this.since = undefined;
  }

  gapMs(): number {
    return this.gaps.reduce((sum, g) => sum + (g.to - g.from), 0) + (this.since !== undefined ? this.clock.nowMs() - this.since : 0);
  }
}

/**
 * Issue 14 end to end in virtual time: the real agent on every instance, the real API, the
 * simulated EC2 and its continuity side (target groups with health checks, Elastic IPs, EBS
 * volumes and snapshots, at the latencies of docs/continuity.md). A replica syncs the data volume
 * by snapshots; the termination notice then moves the traffic onto it within the 2 minutes and
 * the switch carries the downtime the clients saw. Without a replica the emergency instance's
 * own agent takes the address and the volume over once the old instance has stopped.
 */
describeEachDatabase('workload continuity end to end', (db) => {
  let api: TestApi;
  let fleet: FleetHarness;
  let client: FleetWorld['client'];
  let world: FleetWorld;
  let continuity: SimulatedContinuity;
  let timers: SamplingTimers;
  let sampler: TrafficSampler;
  const clock = new ManualClock('2026-11-24T12:00:00.000Z');

  beforeAll(async () => {
    world = await openFleetWorld(db(), clock, 'Continuity Ltd', 'ops@continuity.test');
    ({ api, fleet, client } = world);
    continuity = new SimulatedContinuity({ clock, instances: fleet.cloud.instanceView(), seed: 14 });
    sampler = new TrafficSampler(clock, fleet, continuity);
    timers = new SamplingTimers(clock, () => sampler.sample());
  });
  afterAll(async () => world?.close());

  const agentOn = (instanceId: string, name: string, extra: { rebalanceAlwaysReplica?: boolean } = {}) =>
    fleet.agentOn(instanceId, client.clientToken, name, { ...extra, timers, continuity, hooks: new ScriptedHookRunner((ms) => timers.sleep(ms)), replicaSyncIntervalMs: 300_000 });

  const setContinuity = async (agentId: string, body: object) => {
    await api.http().put(`/api/client/agents/${agentId}/continuity`).set(bearer(client.userToken)).send(body).expect(200);
  };

  const switchOf = async (newInstanceId: string) => {
    const switches = await api.http().get(`/api/client/${client.clientId}/switches`).set(bearer(client.userToken)).expect(200);
    return switches.body.items.find((s: { new_instance_id: string }) => s.new_instance_id === newInstanceId);
  };

  it('termination notice with a ready (snapshot-synced) replica: traffic on the replica within 120 s, downtime_ms = the simulated gap', async () => {
    const primaryInstance = await fleet.launch('spot', 'm5.large', 'eu-west-1a');
    continuity.createTargetGroup({ arn: SIM_TARGET_GROUP_ARN, healthCheckIntervalSeconds: 5, healthyThresholdCount: 2, deregistrationDelaySeconds: 30 });
    continuity.seedTarget(SIM_TARGET_GROUP_ARN, primaryInstance);
    const address = continuity.allocateAddress(primaryInstance);
    const volumeId = continuity.createDataVolume({ az: 'eu-west-1a', sizeGiB: 10, instanceId: primaryInstance, device: '/dev/sdf', tags: { app: 'shop' } });
    sampler.watch({ targetGroups: [SIM_TARGET_GROUP_ARN], allocationId: address.allocationId, volumes: [volumeId] });

    const primary = agentOn(primaryInstance, 'shop-1', { rebalanceAlwaysReplica: true });
    const { agentId, agentToken } = await primary.boot();
    await setContinuity(agentId, { target_groups: { arns: [SIM_TARGET_GROUP_ARN] }, elastic_ip: { current: true }, data_volumes: [{ tag: { key: 'app', value: 'shop' } }] });
    await primary.heartbeatOnce(); // the new config_version: the agent fetches the settings

    // A rebalance brings a replica; its own agent syncs the data volume by snapshots.
    const actionAt = clock.nowMs() + 30 * 60_000;
    fleet.cloud.scheduleInterruption(primaryInstance, { rebalanceAt: new Date(clock.nowMs()), actionAt: new Date(actionAt) });
    await primary.checkInterruptionsOnce();
    expect((await primary.pollCommandsOnce()).map((c) => c.command_type)).toEqual(['launch-replica']);
    const replicaInstance = fleet.cloud.listInstances().find((i) => i.tags['spot-optimizer:source'] === primaryInstance)!.instanceId;
    clock.advanceSeconds(60);
    const standby = agentOn(replicaInstance, 'shop-1');
    expect((await standby.boot()).role).toBe('replica');
    await standby.syncReplicaOnce(); // full snapshot → volume in the replica's zone → attached to it
    const copies = continuity.volumeAttachments().filter((a) => a.instanceId === replicaInstance);
    expect(copies).toEqual([expect.objectContaining({ sourceVolumeId: volumeId })]);
    const replicas = await api.http().get(`/api/agents/${agentId}/replicas`).set(bearer(agentToken)).expect(200);
    expect(replicas.body.items[0]).toMatchObject({ status: 'ready', instance_id: replicaInstance });

    // The 2-minute notice: the dying primary takes the promotion and moves the traffic.
    const noticeAt = actionAt - 120_000;
    clock.set(noticeAt);
    await primary.heartbeatOnce();
    sampler.sampling = true;
    await primary.checkInterruptionsOnce();
    sampler.sampling = false;
    const view = continuity.trafficView();
    expect(view.targetGroups[SIM_TARGET_GROUP_ARN]).toEqual([replicaInstance]);
    expect(view.addresses[address.allocationId]).toBe(replicaInstance);
    expect(clock.nowMs() - noticeAt).toBeLessThan(120_000);
    // The old instance was deregistered only after the replica was healthy.
    const calls = continuity.calls.map((c) => c.call);
    expect(calls.findIndex((c) => c.startsWith(`DeregisterTargets ${primaryInstance}`))).toBeGreaterThan(calls.findIndex((c) => c.startsWith(`RegisterTargets ${replicaInstance}`)));

    const failover = await switchOf(replicaInstance);
    expect(failover).toMatchObject({ old_instance_id: primaryInstance, trigger: 'automatic-interruption-failover', success: true });
    expect(failover.downtime_ms).toBe(sampler.gapMs());
    expect(failover.downtime_ms).toBeGreaterThan(0); // the address takes 2 s to follow
    expect(failover.cutover_steps.map((s: { name: string }) => s.name)).toEqual(['register_targets', 'wait_targets_healthy', 'deregister_old_targets', 'move_elastic_ip', 'verify']);
  });

  it('termination notice without a replica: the emergency instance gets the volume and the address once the old one stopped', async () => {
    const instance = await fleet.launch('spot', 'm5.large', 'eu-west-1b');
    const address = continuity.allocateAddress(instance);
    const volumeId = continuity.createDataVolume({ az: 'eu-west-1b', sizeGiB: 4, instanceId: instance, device: '/dev/sdf', tags: { app: 'shop-2' } });
    sampler.watch({ targetGroups: [], allocationId: address.allocationId, volumes: [volumeId] });
    const primary = agentOn(instance, 'shop-2');
    const { agentId } = await primary.boot();
    await setContinuity(agentId, { elastic_ip: { current: true }, data_volumes: [{ volume_id: volumeId }] });
    await primary.heartbeatOnce();

    const endsAt = clock.nowMs() + 120_000;
    fleet.cloud.scheduleInterruption(instance, { actionAt: new Date(endsAt) });
    sampler.sampling = true;
    await primary.checkInterruptionsOnce(); // notice → termination-imminent → emergency-launch, run at once
    const replacement = fleet.cloud.listInstances().find((i) => i.tags['spot-optimizer:source'] === instance)!;
    clock.advanceSeconds(45);
    const successor = agentOn(replacement.instanceId, 'shop-2');
    expect((await successor.boot()).role).toBe('replica');
    await successor.syncReplicaOnce(); // an emergency instance is ready at once: its data comes with the volume move
    await successor.heartbeatOnce(); // promoted → takes the workload over from the dying instance
    sampler.sampling = false;
    expect(successor.currentRole).toBe('primary');

    expect(continuity.trafficView().addresses[address.allocationId]).toBe(replacement.instanceId);
    const onSuccessor = continuity.volumeAttachments().filter((a) => a.instanceId === replacement.instanceId);
    expect(onSuccessor).toEqual([expect.objectContaining(replacement.az === 'eu-west-1b' ? { volumeId } : { sourceVolumeId: volumeId })]);
    // The address left the old instance only shortly before AWS took it (it served with the data until then).
    const moved = continuity.calls.find((c) => c.call.startsWith(`AssociateAddress ${address.allocationId} to ${replacement.instanceId}`))!;
    expect(moved.at).toBeGreaterThanOrEqual(endsAt - 15_000);
    expect(moved.at).toBeLessThan(endsAt);

    const failover = await switchOf(replacement.instanceId);
    expect(failover).toMatchObject({ old_instance_id: instance, success: true });
    expect(failover.cutover_steps.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['hold_traffic_on_old', 'move_elastic_ip', 'wait_old_stopped', `move_volume ${volumeId}`]));
    // Measured at the cut-over's poll resolution (1 s): the sampled gap within that.
    expect(Math.abs(failover.downtime_ms - sampler.gapMs())).toBeLessThanOrEqual(1000);
  });

  it('a planned switch whose cut-over fails at a step: the switch fails with that step, the old instance keeps the traffic and stays the primary', async () => {
    const arn = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/0123456789abcdee';
    const instance = await fleet.launch('on-demand', 'm5.large', 'eu-west-1a');
    continuity.createTargetGroup({ arn, healthCheckIntervalSeconds: 5, healthyThresholdCount: 2, deregistrationDelaySeconds: 30 });
    continuity.seedTarget(arn, instance);
    const address = continuity.allocateAddress(instance);
    const agent = agentOn(instance, 'api-1');
    const { agentId } = await agent.boot();
    await setContinuity(agentId, { target_groups: { arns: [arn] }, elastic_ip: { allocation_id: address.allocationId } });
    await agent.heartbeatOnce();
    await agent.reportPricesOnce();
    const records = await api.http().get(`/api/client/${client.clientId}/instances`).set(bearer(client.userToken)).expect(200);
    const record = records.body.items.find((i: { instance_id: string }) => i.instance_id === instance);
    await api.http().post(`/api/client/instances/${record.id}/force-switch`).set(bearer(client.userToken)).send({ target: 'pool', pool_id: 'm5.large.eu-west-1b' }).expect(201);
    continuity.failNext('associateAddress');
    const [command] = await agent.pollCommandsOnce();
    expect(command.command_type).toBe('switch');

    const launched = fleet.cloud.listInstances().find((i) => i.tags['spot-optimizer:source'] === instance)!.instanceId;
    const failed = await api.http().get(`/api/client/${client.clientId}/switches`).set(bearer(client.userToken)).expect(200);
    const report = failed.body.items.find((s: { command_id: string }) => s.command_id === command.id);
    expect(report).toMatchObject({ success: false, old_instance_id: instance, new_instance_id: launched });
    expect(report.error_message).toContain('cut-over step move_elastic_ip failed');
    expect(report.cutover_steps).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'move_elastic_ip', ok: false })]));
    // Undone: the old instance holds the address and is back in the group; the unused new one goes.
    expect(continuity.trafficView().addresses[address.allocationId]).toBe(instance);
    expect((await continuity.describeTargetHealth(arn, [instance]))[0].state).not.toBe('draining');
    expect((await continuity.describeTargetHealth(arn, [launched]))[0].state).toMatch(/draining|unused/);
    expect(['shutting-down', 'terminated']).toContain(fleet.cloud.instanceView().stateOf(launched));
    expect(agent.currentRole).toBe('primary');
    expect(agent.pendingTermination).toBeUndefined();
    const [{ instance_id: current }] = await api.dataSource.query('SELECT instance_id FROM agents WHERE id = ?', [agentId]);
    expect(current).toBe(instance);
  });

  it('a planned switch moves group, address and volume (another zone: by snapshot); downtime_ms = the simulated gap; the old instance turns terminated only with the later report', async () => {
    const arn = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop/0123456789abcdef';
    const instance = await fleet.launch('on-demand', 'm5.large', 'eu-west-1a');
    continuity.createTargetGroup({ arn, healthCheckIntervalSeconds: 5, healthyThresholdCount: 2, deregistrationDelaySeconds: 30 });
    continuity.seedTarget(arn, instance);
    const address = continuity.allocateAddress(instance);
    const volumeId = continuity.createDataVolume({ az: 'eu-west-1a', sizeGiB: 1, instanceId: instance, device: '/dev/sdg', tags: { app: 'shop-3' } });
    sampler.watch({ targetGroups: [arn], allocationId: address.allocationId, volumes: [volumeId] });
    const agent = agentOn(instance, 'shop-3');
    const { agentId } = await agent.boot();
    await api.dataSource.getRepository(AgentEntity).update({ id: agentId }, { autoTerminateEnabled: true, terminateWaitSeconds: 120 });
    await setContinuity(agentId, { target_groups: { arns: [arn] }, elastic_ip: { current: true }, data_volumes: [{ tag: { key: 'app', value: 'shop-3' } }] });
    await agent.heartbeatOnce();
    await agent.reportPricesOnce();
    const records = await api.http().get(`/api/client/${client.clientId}/instances`).set(bearer(client.userToken)).expect(200);
    const record = records.body.items.find((i: { instance_id: string }) => i.instance_id === instance);
    await api.http().post(`/api/client/instances/${record.id}/force-switch`).set(bearer(client.userToken)).send({ target: 'pool', pool_id: 'm5.large.eu-west-1b' }).expect(201);
    sampler.sampling = true;
    const [command] = await agent.pollCommandsOnce();
    sampler.sampling = false;
    expect(command.command_type).toBe('switch');

    const fresh = fleet.cloud.listInstances().find((i) => i.tags['spot-optimizer:source'] === instance)!.instanceId;
    const view = continuity.trafficView();
    expect(view.targetGroups[arn]).toEqual([fresh]);
    expect(view.addresses[address.allocationId]).toBe(fresh);
    expect(continuity.volumeAttachments().filter((a) => a.instanceId === fresh)).toEqual([expect.objectContaining({ sourceVolumeId: volumeId })]);
    // The image left the data volume out (NoDevice): the new instance booted with its root only, so /dev/sdg was free to attach.
    expect(fleet.cloud.instanceView().blockDevicesOf?.(fresh)).toEqual(['/dev/xvda']);
    const report = await switchOf(fresh);
    expect(report).toMatchObject({ success: true, old_instance_id: instance, old_terminated_at: null });
    expect(report.downtime_ms).toBe(sampler.gapMs());
    expect(report.cutover_steps.map((s: { name: string }) => s.name)).toEqual(['register_targets', 'wait_targets_healthy', 'deregister_old_targets', 'move_elastic_ip', `move_volume ${volumeId}`, 'wait_old_drained', 'verify']);
    const oldRecord = async () => (await api.http().get(`/api/client/${client.clientId}/instances?status=all`).set(bearer(client.userToken)).expect(200)).body.items.find((i: { instance_id: string }) => i.instance_id === instance);
    expect(await oldRecord()).toMatchObject({ is_active: false, terminated_at: null });

    clock.advanceSeconds(121);
    await timers.settle();
    const completed = await switchOf(fresh);
    expect(completed.old_terminated_at).not.toBeNull();
    expect(await oldRecord()).toMatchObject({ terminated_at: completed.old_terminated_at });
    expect(['shutting-down', 'terminated']).toContain(fleet.cloud.instanceView().stateOf(instance));
  });
});
