import { DomainError } from '@spot/core';
import { mayTerminateOld, ReplicaSyncUseCase, ScriptedHookRunner, SIM_TARGET_GROUP_ARN, SimulatedSwitch, switchReportFields } from '@spot/continuity';

/** Tuned health checks (5 s × 2, 30 s deregistration delay): docs/continuity.md. */
const TUNED = { healthCheckIntervalSeconds: 5, healthyThresholdCount: 2, deregistrationDelaySeconds: 30 };

describe('CutoverUseCase on the simulated cloud (virtual time)', () => {
  it('planned switch behind a target group with an Elastic IP and a data volume: new instance in service, old deregistered only after the new one is healthy', async () => {
    const sim = new SimulatedSwitch({ targetGroup: TUNED, elasticIp: true, volumesGiB: [50] });
    const old = await sim.start();
    const fresh = await sim.launch('eu-west-1a');
    const report = await sim.cutover().run({ kind: 'planned', oldInstanceId: old, newInstanceId: fresh, newAz: 'eu-west-1a', resources: sim.resources });
    expect(report).toMatchObject({ ok: true, undone: [] });
    expect(report.steps.map((s) => s.name)).toEqual(['register_targets', 'wait_targets_healthy', 'deregister_old_targets', 'move_elastic_ip', `move_volume ${sim.resources.volumes[0].volumeId}`, 'wait_old_drained']);
    expect(report.steps.every((s) => s.ok && s.durationMs >= 0)).toBe(true);
    expect(report.oldDeregisteredAt!.getTime()).toBeGreaterThanOrEqual(report.newHealthyAt!.getTime());
    const view = sim.continuity.trafficView();
    expect(view.targetGroups[SIM_TARGET_GROUP_ARN]).toEqual([fresh]);
    expect(view.addresses[sim.resources.allocationId!]).toBe(fresh);
    expect(sim.continuity.volumeAttachments()).toEqual([{ volumeId: sim.resources.volumes[0].volumeId, instanceId: fresh }]);
    // register → healthy (3 s + 5 s × 2) first; the gap is the address move (2 s), then the volume move (5 s + 5 s).
    expect(report.downtimeMs).toBe(sim.simulatedGapMs());
    expect(report.downtimeMs).toBe(12_000);
    expect(mayTerminateOld(report)).toBe(true);
    expect(switchReportFields(report)).toEqual({ downtime_ms: 12_000, cutover_steps: report.steps.map((s) => ({ name: s.name, duration_ms: s.durationMs, ok: true })) });
    const calls = sim.continuity.calls.map((c) => c.call);
    expect(calls.findIndex((c) => c.startsWith(`RegisterTargets ${fresh}`))).toBeLessThan(calls.findIndex((c) => c.startsWith(`DeregisterTargets ${old}`)));
  });

  it('a planned switch of a stateless service behind a target group loses no traffic; one with a volume in another zone goes through a snapshot', async () => {
    const stateless = new SimulatedSwitch({ targetGroup: TUNED });
    const old = await stateless.start();
    const fresh = await stateless.launch('eu-west-1b');
    const report = await stateless.cutover().run({ kind: 'planned', oldInstanceId: old, newInstanceId: fresh, newAz: 'eu-west-1b', resources: stateless.resources });
    expect(report).toMatchObject({ ok: true, downtimeMs: 0 });
    expect(stateless.simulatedGapMs()).toBe(0);

    const stateful = new SimulatedSwitch({ volumesGiB: [10] });
    const a = await stateful.start('eu-west-1a');
    const b = await stateful.launch('eu-west-1b');
    const moved = await stateful.cutover().run({ kind: 'planned', oldInstanceId: a, newInstanceId: b, newAz: 'eu-west-1b', resources: stateful.resources, tags: { 'spot:agent': 'web-1' } });
    expect(moved.ok).toBe(true);
    expect(moved.volumes).toEqual([{ from: stateful.resources.volumes[0].volumeId, to: expect.stringMatching(/^vol-/), path: 'snapshot' }]);
    const [copy] = await stateful.continuity.describeVolumes({ volumeIds: [moved.volumes[0].to] });
    expect(copy).toMatchObject({ az: 'eu-west-1b', attachment: { instanceId: b, state: 'attached' }, tags: { 'spot:agent': 'web-1' } });
    expect(moved.downtimeMs).toBe(stateful.simulatedGapMs());
  });

  const operations = ['registerTargets', 'describeTargetHealth', 'deregisterTargets', 'associateAddress', 'upsertARecord', 'dnsChangeStatus', 'detachNetworkInterface', 'attachNetworkInterface', 'detachVolume', 'attachVolume'] as const;

  it.each(operations)('a failure of %s stops the cut-over, undoes what was done, and the old instance keeps serving', async (operation) => {
    const sim = new SimulatedSwitch({ targetGroup: TUNED, elasticIp: true, dns: true, networkInterface: true, volumesGiB: [20] });
    const old = await sim.start();
    const fresh = await sim.launch('eu-west-1a');
    sim.continuity.failNext(operation, new DomainError('unavailable', 'AWS_ERROR', `${operation}: injected`, { aws_code: 'InternalError' }));
    const report = await sim.cutover().run({ kind: 'planned', oldInstanceId: old, newInstanceId: fresh, newAz: 'eu-west-1a', resources: sim.resources });
    expect(report.ok).toBe(false);
    expect(report.failedStep).toBeDefined();
    expect(report.steps[report.steps.length - 1]).toMatchObject({ name: report.failedStep, ok: false });
    expect(report.error?.message).toContain('injected');
    expect(report.undoFailures).toEqual([]);
    expect(mayTerminateOld(report)).toBe(false);
    expect(switchReportFields(report).error_message).toContain(`cut-over step ${report.failedStep} failed`);
    await sim.sleeper.sleep(60_000); // let re-registration, re-association and re-attachment settle
    const view = sim.continuity.trafficView();
    expect(view.targetGroups[SIM_TARGET_GROUP_ARN]).toContain(old);
    expect(view.addresses[sim.resources.allocationId!]).toBe(old);
    expect(sim.continuity.volumeAttachments().map((a) => a.instanceId)).toEqual([old]);
    const [eni] = await sim.continuity.describeNetworkInterfaces([sim.resources.networkInterface!.networkInterfaceId]);
    expect(eni.attachment?.instanceId).toBe(old);
    expect(sim.served()).toBe(true);
    // The old instance was never deregistered before the new one was healthy.
    if (report.oldDeregisteredAt) expect(report.newHealthyAt).toBeDefined();
  });

  it('a failing or slow pre-switch hook stops the switch before anything moved, with its exit code and output', async () => {
    const sim = new SimulatedSwitch({ targetGroup: TUNED, elasticIp: true });
    const old = await sim.start();
    const fresh = await sim.launch('eu-west-1a');
    const hooks = new ScriptedHookRunner((ms) => sim.sleeper.sleep(ms), { pre_switch: { exitCode: 3, durationMs: 2000, output: 'drain refused: 12 open connections' } });
    const report = await sim.cutover(hooks).run({ kind: 'planned', oldInstanceId: old, newInstanceId: fresh, newAz: 'eu-west-1a', resources: sim.resources, hooks: { pre_switch: { command: 'drain', timeoutSeconds: 30 } } });
    expect(report).toMatchObject({ ok: false, failedStep: 'pre_switch_hook', hooks: [{ hook: 'pre_switch', exitCode: 3, ok: false, outputTail: 'drain refused: 12 open connections' }] });
    expect(sim.continuity.calls).toEqual([]);
    const slow = new ScriptedHookRunner((ms) => sim.sleeper.sleep(ms), { pre_switch: { exitCode: 0, durationMs: 60_000 } });
    const timedOut = await sim.cutover(slow).run({ kind: 'planned', oldInstanceId: old, newInstanceId: fresh, newAz: 'eu-west-1a', resources: sim.resources, hooks: { pre_switch: { command: 'drain', timeoutSeconds: 10 } } });
    expect(timedOut.hooks[0]).toMatchObject({ timedOut: true, exitCode: null, durationMs: 10_000 });
  });

  it('in safe mode nothing changes and the report says so', async () => {
    const sim = new SimulatedSwitch({ targetGroup: TUNED, elasticIp: true, volumesGiB: [5] });
    const old = await sim.start();
    const fresh = await sim.launch('eu-west-1a');
    sim.continuity.setSafeMode(true);
    const report = await sim.cutover().run({ kind: 'planned', oldInstanceId: old, newInstanceId: fresh, newAz: 'eu-west-1a', resources: sim.resources });
    expect(report).toMatchObject({ ok: true, dryRun: true });
    expect(sim.continuity.calls).toEqual([]);
    expect(sim.continuity.trafficView().targetGroups[SIM_TARGET_GROUP_ARN]).toEqual([old]);
  });

  it('failover to a ready replica: traffic on the replica well inside the 2-minute window; downtime_ms equals the simulated gap', async () => {
    const sim = new SimulatedSwitch({ targetGroup: TUNED, elasticIp: true, volumesGiB: [100] });
    const old = await sim.start('eu-west-1a');
    const replica = await sim.launch('eu-west-1b');
    sim.hasCopies.add(replica);
    const notice = sim.clock.nowMs();
    sim.cloud.scheduleInterruption(old, { actionAt: new Date(notice + 120_000) });
    await sim.sleeper.sleep(5_000); // the agent sees the notice on its next IMDS poll
    const report = await sim.cutover().run({ kind: 'failover', oldInstanceId: old, newInstanceId: replica, newAz: 'eu-west-1b', resources: sim.resources, oldInstanceEndsAt: new Date(notice + 120_000), newHasData: true });
    expect(report.ok).toBe(true);
    expect(report.newServingAt!.getTime() - notice).toBeLessThan(120_000);
    expect(report.volumes).toEqual([{ from: sim.resources.volumes[0].volumeId, to: sim.resources.volumes[0].volumeId, path: 'replica-copy' }]);
    await sim.sleeper.sleep(200_000); // the old instance is taken back; nothing changes for the clients
    expect(report.downtimeMs).toBe(sim.simulatedGapMs());
    expect(report.downtimeMs).toBeLessThan(15_000);
  });

  it('failover without a replica: the emergency instance gets the address first, then the volumes once the old instance has stopped', async () => {
    const sim = new SimulatedSwitch({ elasticIp: true, volumesGiB: [30] });
    const old = await sim.start('eu-west-1a');
    const notice = sim.clock.nowMs();
    const endsAt = new Date(notice + 120_000);
    sim.cloud.scheduleInterruption(old, { actionAt: endsAt });
    const emergency = await sim.launch('eu-west-1a', 'on-demand');
    const report = await sim.cutover().run({ kind: 'failover', oldInstanceId: old, newInstanceId: emergency, newAz: 'eu-west-1a', resources: sim.resources, oldInstanceEndsAt: endsAt });
    expect(report.ok).toBe(true);
    expect(report.steps.map((s) => s.name)).toEqual(['hold_traffic_on_old', 'move_elastic_ip', 'wait_old_stopped', `move_volume ${sim.resources.volumes[0].volumeId}`]);
    // The address left the old instance inside the window, 15 s before AWS took it.
    const moved = sim.continuity.calls.find((c) => c.call.startsWith('AssociateAddress'))!;
    expect(moved.at).toBe(endsAt.getTime() - 15_000);
    expect(sim.continuity.trafficView().addresses[sim.resources.allocationId!]).toBe(emergency);
    expect(sim.continuity.volumeAttachments()).toEqual([{ volumeId: sim.resources.volumes[0].volumeId, instanceId: emergency }]);
    const detach = sim.continuity.calls.find((c) => c.call.startsWith('DetachVolume'))!;
    expect(detach.at).toBeGreaterThanOrEqual(endsAt.getTime());
    expect(report.downtimeMs).toBe(sim.simulatedGapMs());
  });

  it('failover: a volume still held by an instance that does not stop is force-detached after the grace', async () => {
    const sim = new SimulatedSwitch({ volumesGiB: [30], shutdownMs: 10 * 60_000 });
    const old = await sim.start('eu-west-1a');
    const endsAt = new Date(sim.clock.nowMs() + 120_000);
    sim.cloud.scheduleInterruption(old, { actionAt: endsAt });
    const emergency = await sim.launch('eu-west-1a', 'on-demand');
    const report = await sim.cutover().run({ kind: 'failover', oldInstanceId: old, newInstanceId: emergency, newAz: 'eu-west-1a', resources: sim.resources, oldInstanceEndsAt: endsAt });
    expect(report.ok).toBe(true);
    expect(report.steps.find((s) => s.name === 'wait_old_stopped')?.detail).toContain('forced');
    expect(sim.continuity.calls.some((c) => c.call.includes('(Force)'))).toBe(true);
    expect(sim.continuity.volumeAttachments()).toEqual([{ volumeId: sim.resources.volumes[0].volumeId, instanceId: emergency }]);
  });
});

describe('ReplicaSyncUseCase', () => {
  it('full snapshot first, then incremental ones; progress from snapshot progress; ready while the newest snapshot is younger than the interval', async () => {
    const sim = new SimulatedSwitch({ volumesGiB: [10] });
    const primary = await sim.start('eu-west-1a');
    void primary;
    const replica = await sim.launch('eu-west-1b');
    const progress: number[] = [];
    const sync = new ReplicaSyncUseCase({ cloud: sim.continuity, clock: sim.clock, sleeper: sim.sleeper, hooks: new ScriptedHookRunner((ms) => sim.sleeper.sleep(ms)), intervalMs: 15 * 60_000, pollMs: 10_000, onProgress: (p) => progress.push(p) });
    const source = sim.resources.volumes.map((v) => ({ volumeId: v.volumeId, device: v.device }));
    expect(await sync.status('r-1', [source[0].volumeId])).toMatchObject({ ready: false, progress: 0 });
    const first = await sync.syncOnce({ replicaId: 'r-1', replicaInstanceId: replica, replicaAz: 'eu-west-1b', sourceVolumes: source, replicaVolumes: {}, syncHook: { command: 'pg-catchup', timeoutSeconds: 60 } });
    expect(first.full).toBe(true);
    expect(first.durationMs).toBeGreaterThanOrEqual(90_000); // 10 GiB × 9 s/GiB
    expect(progress.some((p) => p > 0 && p < 100)).toBe(true);
    expect(progress[progress.length - 1]).toBe(100);
    expect(first.hook).toMatchObject({ hook: 'sync', ok: true });
    expect(await sync.status('r-1', [source[0].volumeId])).toMatchObject({ ready: true, progress: 100 });

    await sim.sleeper.sleep(15 * 60_000);
    expect((await sync.status('r-1', [source[0].volumeId])).ready).toBe(false);
    const second = await sync.syncOnce({ replicaId: 'r-1', replicaInstanceId: replica, replicaAz: 'eu-west-1b', sourceVolumes: source, replicaVolumes: first.replicaVolumes });
    expect(second.full).toBe(false);
    expect(second.durationMs).toBeLessThan(first.durationMs);
    expect(second.retiredVolumes).toEqual([first.replicaVolumes[source[0].volumeId]]);
    expect((await sync.status('r-1', [source[0].volumeId])).ready).toBe(true);
    const onReplica = sim.continuity.volumeAttachments().filter((a) => a.instanceId === replica);
    expect(onReplica).toEqual([{ volumeId: second.replicaVolumes[source[0].volumeId], instanceId: replica, sourceVolumeId: source[0].volumeId }]);
  });
});

describe('replica copies and tag selectors', () => {
  it("a copy carries the source volume's tags, and a tag selector takes only the volumes on the instance being left", async () => {
    const sim = new SimulatedSwitch({ volumesGiB: [1] });
    const primary = await sim.start('eu-west-1a'); // the volume carries app=web
    const replica = await sim.launch('eu-west-1a');
    const sync = new ReplicaSyncUseCase({ cloud: sim.continuity, clock: sim.clock, sleeper: sim.sleeper, hooks: new ScriptedHookRunner((ms) => sim.sleeper.sleep(ms)), intervalMs: 15 * 60_000, pollMs: 5_000 });
    const [source] = await sim.continuity.describeVolumes({ volumeIds: [sim.resources.volumes[0].volumeId] });
    const round = await sync.syncOnce({ replicaId: 'r-2', replicaInstanceId: replica, replicaAz: 'eu-west-1a', sourceVolumes: [{ volumeId: source.volumeId, device: '/dev/sdf', tags: source.tags }], replicaVolumes: {} });
    const copyId = round.replicaVolumes[source.volumeId];
    const [copy] = await sim.continuity.describeVolumes({ volumeIds: [copyId] });
    expect(copy.tags).toMatchObject({ app: 'web', 'spot:replica-id': 'r-2', 'spot:source-volume': source.volumeId });
    const { resolveContinuity } = await import('@spot/continuity');
    const selector = { dataVolumes: [{ tag: { key: 'app', value: 'web' } }] };
    expect((await resolveContinuity(sim.continuity, selector, primary)).volumes.map((v) => v.volumeId)).toEqual([source.volumeId]);
    // Once the replica is the primary, the same settings name its copy.
    expect((await resolveContinuity(sim.continuity, selector, replica)).volumes.map((v) => v.volumeId)).toEqual([copyId]);
  });
});

describe('replica snapshot cleanup and REPLICA_SYNC_INTERVAL', () => {
  it('keeps the newest snapshots of each volume and deletes older completed ones', async () => {
    const sim = new SimulatedSwitch({ volumesGiB: [1] });
    await sim.start('eu-west-1a');
    const volumeId = sim.resources.volumes[0].volumeId;
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const s = await sim.continuity.createSnapshot({ volumeId, tags: { 'spot:replica-id': 'r-9' } });
      if (!s.dryRun) ids.push(s.value.snapshotId);
      await sim.sleeper.sleep(60_000);
    }
    const { cleanUpReplicaSnapshots } = await import('@spot/continuity');
    expect(await cleanUpReplicaSnapshots(sim.continuity, 'r-9', 2)).toEqual({ deleted: [ids[1], ids[0]], failures: [] });
    expect((await sim.continuity.describeSnapshots({ tags: { 'spot:replica-id': 'r-9' } })).map((s) => s.snapshotId)).toEqual([ids[2], ids[3]]);
  });

  it('REPLICA_SYNC_INTERVAL is whole seconds, 300 by default', async () => {
    const { replicaSyncIntervalMs } = await import('@spot/continuity');
    expect(replicaSyncIntervalMs({})).toBe(300_000);
    expect(replicaSyncIntervalMs({ REPLICA_SYNC_INTERVAL: '900' })).toBe(900_000);
    expect(() => replicaSyncIntervalMs({ REPLICA_SYNC_INTERVAL: '5m' })).toThrow(/REPLICA_SYNC_INTERVAL/);
  });
});
