import { CloudProvider, ContinuityCloud, InstanceState, Mutation } from '@spot/cloud';
import { Clock, DomainError, StructuredLogger } from '@spot/core';
import { HookResult, HookRunner } from './hooks';
import { ResolvedContinuity } from './resolve';
import { HookName, HookSpec } from './settings';
import { Sleeper, waitUntil } from './waiting';

export type CutoverKind = 'planned' | 'failover';

export interface CutoverInput {
  kind: CutoverKind;
  oldInstanceId: string;
  newInstanceId: string;
  /** Zone of the new instance: a volume elsewhere goes through a snapshot. */
  newAz: string;
  resources: ResolvedContinuity;
  hooks?: Partial<Record<HookName, HookSpec>>;
  /** Failover: when AWS takes the old instance (the notice's `time`). */
  oldInstanceEndsAt?: Date;
  /** Failover to a ready replica: it has its own copies of the data volumes (snapshot sync), none move. */
  newHasData?: boolean;
  /** Tags put on volumes and snapshots the cut-over creates. */
  tags?: Record<string, string>;
}

export interface CutoverStep {
  name: string;
  /** Virtual or real time, from the injected clock. */
  durationMs: number;
  ok: boolean;
  detail?: string;
}

export interface CutoverReport {
  ok: boolean;
  kind: CutoverKind;
  steps: CutoverStep[];
  failedStep?: string;
  error?: { code: string; message: string };
  /** What was undone after a failure, in order. */
  undone: string[];
  /** Undo steps that failed too: left for a person (named in the report). */
  undoFailures: string[];
  hooks: HookResult[];
  /** From the old instance losing traffic until the new one is serving on every way in; 0 when there was no gap. */
  downtimeMs: number;
  oldStoppedServingAt?: Date;
  newServingAt?: Date;
  /** When the old instance was deregistered from its target groups (before any termination). */
  oldDeregisteredAt?: Date;
  /** The new instance passed its health checks in every target group. */
  newHealthyAt?: Date;
  /** Volumes now on the new instance (ids change on the snapshot path). */
  volumes: Array<{ from: string; to: string; path: 'move' | 'snapshot' | 'replica-copy' }>;
  /** Safe mode: nothing was changed; the calls that would have run. */
  dryRun: boolean;
}

export interface CutoverTimeouts {
  healthyMs: number;
  drainMs: number;
  dnsMs: number;
  volumeMs: number;
  snapshotMs: number;
  eniMs: number;
  addressMs: number;
  /** Failover: how long after the notice's time to wait for the old instance to stop before forcing the detach. */
  oldStopGraceMs: number;
  /** Failover without a replica: traffic leaves the old instance this long before the notice's time. */
  trafficMarginMs: number;
}

export const DEFAULT_CUTOVER_TIMEOUTS: CutoverTimeouts = {
  healthyMs: 5 * 60_000,
  drainMs: 10 * 60_000,
  dnsMs: 5 * 60_000,
  volumeMs: 3 * 60_000,
  snapshotMs: 60 * 60_000,
  eniMs: 2 * 60_000,
  addressMs: 60_000,
  oldStopGraceMs: 30_000,
  trafficMarginMs: 15_000,
};

export interface CutoverDeps {
  cloud: ContinuityCloud;
  /** Instance states (DescribeInstances): is the old instance still running, has it stopped. */
  instances: Pick<CloudProvider, 'describeInstances'>;
  clock: Clock;
  sleeper: Sleeper;
  hooks: HookRunner;
  pollMs?: number;
  timeouts?: Partial<CutoverTimeouts>;
  logger?: StructuredLogger;
}

class StepFailed extends Error {
  constructor(
    readonly step: string,
    override readonly cause: unknown,
  ) {
    super(`${step}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/**
 * The cut-over (issue 14, docs/continuity.md): moves traffic, address, network interface and
 * data volumes from the old instance to the new one.
 *
 * Planned: pre-switch hook → register the new instance in every target group and wait until
 * it is healthy → only then deregister the old one → Elastic IP → DNS (UPSERT, INSYNC) →
 * network interface → volumes (detach, attach; across zones snapshot → CreateVolume → attach)
 * → wait for the old one's draining → post-switch hook. Failover: pre-promote hook, the same
 * traffic steps inside the notice's window, then the volumes once the old instance has stopped
 * (forced after a grace), then post-promote.
 *
 * Any failing step stops the cut-over and undoes what was done, newest first, so the old
 * instance keeps serving. Never deregisters the old instance before the new one is healthy;
 * termination is the caller's, after `mayTerminateOld`.
 */
export class CutoverUseCase {
  private readonly pollMs: number;
  private readonly timeouts: CutoverTimeouts;

  constructor(private readonly deps: CutoverDeps) {
    this.pollMs = deps.pollMs ?? 1000;
    this.timeouts = { ...DEFAULT_CUTOVER_TIMEOUTS, ...deps.timeouts };
  }

  async run(input: CutoverInput): Promise<CutoverReport> {
    const run = new CutoverRun(this.deps, this.pollMs, this.timeouts, input);
    return run.execute();
  }
}

/** The old instance may be terminated only after a cut-over that put the new one in service. */
export function mayTerminateOld(report: CutoverReport): boolean {
  return report.ok && !report.dryRun;
}

/**
 * The switch report's cut-over fields (SwitchReportRequestDto in libs/contracts): the agent sends
 * them with the switch report, and `old_terminated_at` in a later report once it really
 * terminated the old instance.
 */
export function switchReportFields(report: CutoverReport): { downtime_ms: number; cutover_steps: Array<{ name: string; duration_ms: number; ok: boolean }>; error_message?: string } {
  return {
    downtime_ms: report.downtimeMs,
    cutover_steps: report.steps.map((s) => ({ name: s.name.slice(0, 100), duration_ms: Math.max(0, Math.round(s.durationMs)), ok: s.ok })),
    ...(report.ok ? {} : { error_message: `cut-over step ${report.failedStep} failed: ${report.error?.message ?? 'unknown error'}`.slice(0, 2000) }),
  };
}

class CutoverRun {
  private readonly steps: CutoverStep[] = [];
  private readonly undo: Array<{ name: string; run: () => Promise<void> }> = [];
  private readonly hookResults: HookResult[] = [];
  private readonly volumes: CutoverReport['volumes'] = [];
  private oldStoppedAt?: number;
  private newServingAt?: number;
  private oldDeregisteredAt?: number;
  private newHealthyAt?: number;
  private dryRun = false;

  constructor(
    private readonly deps: CutoverDeps,
    private readonly pollMs: number,
    private readonly timeouts: CutoverTimeouts,
    private readonly input: CutoverInput,
  ) {}

  async execute(): Promise<CutoverReport> {
    const { input } = this;
    const r = input.resources;
    try {
      await this.runHook(input.kind === 'planned' ? 'pre_switch' : 'pre_promote');
      if (r.targetGroupArns.length) {
        await this.step('register_targets', () => this.registerNew());
        await this.step('wait_targets_healthy', () => this.waitHealthy());
      }
      if (this.holdsTrafficOnOld()) await this.step('hold_traffic_on_old', () => this.holdTraffic());
      if (r.targetGroupArns.length) await this.step('deregister_old_targets', () => this.deregisterOld());
      if (r.allocationId) await this.step('move_elastic_ip', () => this.moveAddress(r.allocationId as string));
      if (r.dns) await this.step('update_dns', () => this.updateDns());
      if (input.kind === 'failover') {
        if (r.networkInterface || (r.volumes.length && !input.newHasData)) await this.step('wait_old_stopped', () => this.waitOldStopped());
      }
      if (r.networkInterface) await this.step('move_network_interface', () => this.moveEni());
      for (const volume of r.volumes) {
        if (input.newHasData) {
          this.volumes.push({ from: volume.volumeId, to: volume.volumeId, path: 'replica-copy' });
          continue;
        }
        await this.step(`move_volume ${volume.volumeId}`, () => this.moveVolume(volume));
      }
      if (r.targetGroupArns.length && input.kind === 'planned') await this.step('wait_old_drained', () => this.waitDrained());
      await this.runHook(input.kind === 'planned' ? 'post_switch' : 'post_promote');
      return this.report(true);
    } catch (error) {
      const failure = error instanceof StepFailed ? error : new StepFailed('cutover', error);
      const undone: string[] = [];
      const undoFailures: string[] = [];
      for (const u of [...this.undo].reverse()) {
        try {
          await u.run();
          undone.push(u.name);
        } catch (undoError) {
          undoFailures.push(`${u.name}: ${undoError instanceof Error ? undoError.message : String(undoError)}`);
        }
      }
      this.log('warn', 'CUTOVER', 'FAILED', `${failure.message}; undone: ${undone.join(', ') || 'nothing'}`);
      const cause = failure.cause;
      return {
        ...this.report(false),
        failedStep: failure.step,
        error: { code: cause instanceof DomainError ? cause.code : 'CUTOVER_STEP_FAILED', message: failure.message },
        undone,
        undoFailures,
      };
    }
  }

  /**
   * A failover to an instance without the data (an emergency instance): the old instance still
   * serves with the data until the notice's time, so traffic moves only shortly before it
   * (`trafficMarginMs`), still inside the window; the volumes follow once it has stopped.
   */
  private holdsTrafficOnOld(): boolean {
    const { input } = this;
    return input.kind === 'failover' && !input.newHasData && input.resources.volumes.length > 0 && input.oldInstanceEndsAt !== undefined && !this.dryRun;
  }

  private async holdTraffic(): Promise<string | undefined> {
    const until = this.input.oldInstanceEndsAt!.getTime() - this.timeouts.trafficMarginMs;
    const wait = until - this.now();
    if (wait > 0) await this.deps.sleeper.sleep(wait);
    return wait > 0 ? `old instance served ${Math.round(wait / 1000)} s longer` : undefined;
  }

  // --- steps ---

  private async registerNew(): Promise<string | undefined> {
    const { cloud } = this.deps;
    for (const arn of this.input.resources.targetGroupArns) {
      this.track(await cloud.registerTargets(arn, [this.input.newInstanceId]));
      this.undo.push({ name: `deregister ${this.input.newInstanceId} from ${arn}`, run: async () => void (await cloud.deregisterTargets(arn, [this.input.newInstanceId])) });
    }
    return `${this.input.newInstanceId} in ${this.input.resources.targetGroupArns.length} target group(s)`;
  }

  private async waitHealthy(): Promise<string | undefined> {
    if (this.dryRun) return 'safe mode: not waited';
    const { cloud } = this.deps;
    const arns = this.input.resources.targetGroupArns;
    await waitUntil(this.deps.clock, this.deps.sleeper, `${this.input.newInstanceId} healthy in ${arns.join(', ')}`, this.timeouts.healthyMs, this.pollMs, async () => {
      for (const arn of arns) {
        const [health] = await cloud.describeTargetHealth(arn, [this.input.newInstanceId]);
        if (health?.state !== 'healthy') return undefined;
      }
      return true;
    });
    this.newHealthyAt = this.now();
    this.servingFrom(this.newHealthyAt);
    return undefined;
  }

  private async deregisterOld(): Promise<string | undefined> {
    const { cloud } = this.deps;
    if (!this.newHealthyAt && !this.dryRun) throw new DomainError('conflict', 'CUTOVER_NEW_NOT_HEALTHY', 'the old instance is not deregistered before the new one is healthy');
    for (const arn of this.input.resources.targetGroupArns) {
      const at = this.now();
      this.track(await cloud.deregisterTargets(arn, [this.input.oldInstanceId]));
      this.oldDeregisteredAt ??= at;
      this.stoppedFrom(at);
      this.undo.push({
        name: `register ${this.input.oldInstanceId} in ${arn} again`,
        run: async () => {
          if (await this.isRunning(this.input.oldInstanceId)) await cloud.registerTargets(arn, [this.input.oldInstanceId]);
        },
      });
    }
    return undefined;
  }

  private async moveAddress(allocationId: string): Promise<string | undefined> {
    const { cloud } = this.deps;
    const [before] = await cloud.describeAddresses({ allocationIds: [allocationId] });
    const at = this.now();
    this.track(await cloud.associateAddress({ allocationId, instanceId: this.input.newInstanceId, allowReassociation: true }));
    if (before?.instanceId === this.input.oldInstanceId) this.stoppedFrom(at);
    if (before?.instanceId && before.instanceId !== this.input.newInstanceId) {
      const previous = before.instanceId;
      this.undo.push({
        name: `associate ${allocationId} with ${previous} again`,
        run: async () => {
          if (await this.isRunning(previous)) await cloud.associateAddress({ allocationId, instanceId: previous, allowReassociation: true });
        },
      });
    }
    if (this.dryRun) return undefined;
    await waitUntil(this.deps.clock, this.deps.sleeper, `${allocationId} on ${this.input.newInstanceId}`, this.timeouts.addressMs, this.pollMs, async () => {
      const [now] = await cloud.describeAddresses({ allocationIds: [allocationId] });
      return now?.instanceId === this.input.newInstanceId ? true : undefined;
    });
    this.servingFrom(this.now());
    return `${before?.publicIp ?? allocationId} → ${this.input.newInstanceId}`;
  }

  /** DNS is not counted in the downtime: the old instance keeps answering on its address until it is terminated (after the wait). */
  private async updateDns(): Promise<string | undefined> {
    const { cloud } = this.deps;
    const dns = this.input.resources.dns!;
    const addressing = await cloud.instanceAddressing(this.input.newInstanceId);
    const ip = this.input.resources.allocationId ? (await cloud.describeAddresses({ allocationIds: [this.input.resources.allocationId] }))[0]?.publicIp : addressing.publicIp;
    if (!ip) throw new DomainError('conflict', 'CUTOVER_NO_PUBLIC_IP', `${this.input.newInstanceId} has no public address for ${dns.name}`);
    const previous = await cloud.aRecordOf(dns.hostedZoneId, dns.name);
    const change = this.track(await cloud.upsertARecord({ ...dns, ip }));
    if (previous && previous.ip !== ip) {
      this.undo.push({ name: `UPSERT ${dns.name} back to ${previous.ip}`, run: async () => void (await cloud.upsertARecord({ ...dns, ip: previous.ip, ttl: previous.ttl })) });
    }
    if (!change) return 'safe mode';
    await waitUntil(this.deps.clock, this.deps.sleeper, `Route 53 change ${change.changeId} INSYNC`, this.timeouts.dnsMs, this.pollMs, async () =>
      (await cloud.dnsChangeStatus(change.changeId)) === 'INSYNC' ? true : undefined,
    );
    return `${dns.name} A ${ip}`;
  }

  private async waitOldStopped(): Promise<string | undefined> {
    if (this.dryRun) return 'safe mode: not waited';
    const endsAt = this.input.oldInstanceEndsAt?.getTime() ?? this.now();
    const limit = Math.max(0, endsAt - this.now()) + this.timeouts.oldStopGraceMs;
    try {
      await waitUntil(this.deps.clock, this.deps.sleeper, `${this.input.oldInstanceId} stopped`, limit, this.pollMs, async () => ((await this.isRunningOrStopping(this.input.oldInstanceId)) ? undefined : true));
      this.stoppedFrom(Math.min(this.now(), endsAt));
      return undefined;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'CUTOVER_WAIT_TIMED_OUT') {
        this.stoppedFrom(endsAt);
        return 'still stopping: detaches are forced';
      }
      throw error;
    }
  }

  private async moveEni(): Promise<string | undefined> {
    const { cloud } = this.deps;
    const { networkInterfaceId, deviceIndex } = this.input.resources.networkInterface!;
    const [eni] = await cloud.describeNetworkInterfaces([networkInterfaceId]);
    const force = this.input.kind === 'failover' && (await this.isRunningOrStopping(this.input.oldInstanceId));
    if (eni?.attachment) {
      const from = eni.attachment.instanceId;
      const at = this.now();
      this.track(await cloud.detachNetworkInterface({ attachmentId: eni.attachment.attachmentId, force }));
      if (from === this.input.oldInstanceId) this.stoppedFrom(at);
      this.undo.push({
        name: `attach ${networkInterfaceId} to ${from} again`,
        run: async () => {
          if (!(await this.isRunning(from))) return;
          await this.waitEni(networkInterfaceId, (s) => s === 'available');
          await cloud.attachNetworkInterface({ networkInterfaceId, instanceId: from, deviceIndex: eni.attachment!.deviceIndex });
        },
      });
      if (this.dryRun) return undefined;
      await this.waitEni(networkInterfaceId, (s) => s === 'available');
    }
    const attached = this.track(await cloud.attachNetworkInterface({ networkInterfaceId, instanceId: this.input.newInstanceId, deviceIndex }));
    if (!attached) return undefined;
    this.undo.push({ name: `detach ${networkInterfaceId} from ${this.input.newInstanceId}`, run: async () => void (await cloud.detachNetworkInterface({ attachmentId: attached.attachmentId, force: true })) });
    await this.waitEni(networkInterfaceId, (s, instanceId) => s === 'in-use' && instanceId === this.input.newInstanceId);
    this.servingFrom(this.now());
    return `${eni?.privateIp ?? networkInterfaceId} → ${this.input.newInstanceId}`;
  }

  private async moveVolume(volume: ResolvedContinuity['volumes'][number]): Promise<string | undefined> {
    const { cloud } = this.deps;
    const sameAz = volume.az === this.input.newAz;
    if (!sameAz && !this.input.resources.crossAzSnapshot) {
      throw DomainError.invalid('CUTOVER_VOLUME_OTHER_ZONE', `${volume.volumeId} is in ${volume.az}, the new instance in ${this.input.newAz}, and the snapshot path is off`);
    }
    const force = this.input.kind === 'failover' && (await this.isRunningOrStopping(this.input.oldInstanceId));
    const at = this.now();
    this.track(await cloud.detachVolume({ volumeId: volume.volumeId, instanceId: this.input.oldInstanceId, force }));
    this.stoppedFrom(at);
    this.undo.push({
      name: `attach ${volume.volumeId} to ${this.input.oldInstanceId} again`,
      run: async () => {
        if (!(await this.isRunning(this.input.oldInstanceId))) return;
        await this.waitVolume(volume.volumeId, (v) => v.state === 'available');
        await cloud.attachVolume({ volumeId: volume.volumeId, instanceId: this.input.oldInstanceId, device: volume.device });
      },
    });
    if (this.dryRun) return undefined;
    await this.waitVolume(volume.volumeId, (v) => v.state === 'available');

    let target = volume.volumeId;
    if (!sameAz) {
      const snapshot = this.track(await cloud.createSnapshot({ volumeId: volume.volumeId, description: `cut-over of ${volume.volumeId} to ${this.input.newAz}`, tags: this.input.tags }))!;
      await waitUntil(this.deps.clock, this.deps.sleeper, `snapshot ${snapshot.snapshotId} completed`, this.timeouts.snapshotMs, this.pollMs, async () => {
        const [s] = await cloud.describeSnapshots({ snapshotIds: [snapshot.snapshotId] });
        if (s?.state === 'error') throw new DomainError('unavailable', 'SNAPSHOT_FAILED', `snapshot ${snapshot.snapshotId} failed`);
        return s?.state === 'completed' ? true : undefined;
      });
      const created = this.track(await cloud.createVolume({ snapshotId: snapshot.snapshotId, az: this.input.newAz, volumeType: volume.volumeType, tags: { ...this.input.tags, 'spot:source-volume': volume.volumeId } }))!;
      target = created.volumeId;
      this.undo.push({
        name: `delete ${created.volumeId}`,
        run: async () => {
          const [v] = await cloud.describeVolumes({ volumeIds: [created.volumeId] });
          if (v?.attachment) {
            await cloud.detachVolume({ volumeId: created.volumeId, instanceId: v.attachment.instanceId, force: true });
            await this.waitVolume(created.volumeId, (d) => d.state === 'available');
          }
          await cloud.deleteVolume(created.volumeId);
        },
      });
      await this.waitVolume(target, (v) => v.state === 'available');
    }
    this.track(await cloud.attachVolume({ volumeId: target, instanceId: this.input.newInstanceId, device: volume.device }));
    if (sameAz) {
      this.undo.push({
        name: `detach ${target} from ${this.input.newInstanceId}`,
        run: async () => {
          await cloud.detachVolume({ volumeId: target, instanceId: this.input.newInstanceId, force: true });
          await this.waitVolume(target, (v) => v.state === 'available');
        },
      });
    }
    await this.waitVolume(target, (v) => v.attachment?.instanceId === this.input.newInstanceId && v.attachment.state === 'attached');
    this.servingFrom(this.now());
    this.volumes.push({ from: volume.volumeId, to: target, path: sameAz ? 'move' : 'snapshot' });
    return sameAz ? `${target} → ${this.input.newInstanceId} ${volume.device}` : `${volume.volumeId} → snapshot → ${target} in ${this.input.newAz}`;
  }

  private async waitDrained(): Promise<string | undefined> {
    if (this.dryRun) return 'safe mode: not waited';
    const { cloud } = this.deps;
    await waitUntil(this.deps.clock, this.deps.sleeper, `${this.input.oldInstanceId} drained`, this.timeouts.drainMs, this.pollMs * 5, async () => {
      for (const arn of this.input.resources.targetGroupArns) {
        const [health] = await cloud.describeTargetHealth(arn, [this.input.oldInstanceId]);
        if (health && health.state !== 'unused' && health.state !== 'unavailable') return undefined;
      }
      return true;
    });
    return undefined;
  }

  // --- helpers ---

  private async runHook(name: HookName): Promise<void> {
    const spec = this.input.hooks?.[name];
    if (!spec) return;
    await this.step(`${name}_hook`, async () => {
      const result = await this.deps.hooks.run(name, spec, {
        SPOT_OLD_INSTANCE_ID: this.input.oldInstanceId,
        SPOT_NEW_INSTANCE_ID: this.input.newInstanceId,
        SPOT_CUTOVER_KIND: this.input.kind,
      });
      this.hookResults.push(result);
      if (!result.ok) {
        throw new DomainError('unavailable', 'HOOK_FAILED', `hook ${name} ${result.timedOut ? `timed out after ${spec.timeoutSeconds} s` : `exited ${result.exitCode}`}: ${result.outputTail.slice(-300)}`);
      }
      return `exit ${result.exitCode}`;
    });
  }

  private async step(name: string, body: () => Promise<string | undefined | void>): Promise<void> {
    const started = this.now();
    try {
      const detail = await body();
      this.steps.push({ name, durationMs: this.now() - started, ok: true, ...(detail ? { detail } : {}) });
      this.log('info', 'CUTOVER-STEP', 'SUCCESS', `${name} ${this.now() - started}ms${detail ? ` ${detail}` : ''}`);
    } catch (error) {
      this.steps.push({ name, durationMs: this.now() - started, ok: false, detail: error instanceof Error ? error.message : String(error) });
      throw new StepFailed(name, error);
    }
  }

  private track<T>(mutation: Mutation<T>): T | undefined {
    if (mutation.dryRun) {
      this.dryRun = true;
      return undefined;
    }
    return mutation.value;
  }

  private async waitVolume(volumeId: string, done: (v: { state: string; attachment?: { instanceId: string; state: string } }) => boolean): Promise<void> {
    await waitUntil(this.deps.clock, this.deps.sleeper, `volume ${volumeId}`, this.timeouts.volumeMs, this.pollMs, async () => {
      const [v] = await this.deps.cloud.describeVolumes({ volumeIds: [volumeId] });
      return v && done(v) ? true : undefined;
    });
  }

  private async waitEni(id: string, done: (status: string, instanceId?: string) => boolean): Promise<void> {
    await waitUntil(this.deps.clock, this.deps.sleeper, `network interface ${id}`, this.timeouts.eniMs, this.pollMs, async () => {
      const [eni] = await this.deps.cloud.describeNetworkInterfaces([id]);
      return eni && done(eni.status, eni.attachment?.instanceId) ? true : undefined;
    });
  }

  private async stateOf(instanceId: string): Promise<InstanceState | undefined> {
    try {
      const [d] = await this.deps.instances.describeInstances([instanceId]);
      return d?.state;
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'not_found') return undefined;
      throw error;
    }
  }

  private async isRunning(instanceId: string): Promise<boolean> {
    return (await this.stateOf(instanceId)) === 'running';
  }

  private async isRunningOrStopping(instanceId: string): Promise<boolean> {
    const state = await this.stateOf(instanceId);
    return state === 'running' || state === 'pending' || state === 'stopping' || state === 'shutting-down';
  }

  private stoppedFrom(at: number): void {
    this.oldStoppedAt = this.oldStoppedAt === undefined ? at : Math.min(this.oldStoppedAt, at);
  }

  private servingFrom(at: number): void {
    this.newServingAt = this.newServingAt === undefined ? at : Math.max(this.newServingAt, at);
  }

  private report(ok: boolean): CutoverReport {
    // In a failover the old instance stops serving at the notice's time at the latest.
    const endsAt = this.input.oldInstanceEndsAt?.getTime();
    if (this.input.kind === 'failover' && endsAt !== undefined && endsAt <= this.now()) this.stoppedFrom(endsAt);
    const downtimeMs = ok && this.oldStoppedAt !== undefined && this.newServingAt !== undefined ? Math.max(0, this.newServingAt - this.oldStoppedAt) : 0;
    const date = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));
    return {
      ok,
      kind: this.input.kind,
      steps: [...this.steps],
      undone: [],
      undoFailures: [],
      hooks: [...this.hookResults],
      downtimeMs,
      ...(this.oldStoppedAt !== undefined ? { oldStoppedServingAt: date(this.oldStoppedAt) } : {}),
      ...(this.newServingAt !== undefined ? { newServingAt: date(this.newServingAt) } : {}),
      ...(this.oldDeregisteredAt !== undefined ? { oldDeregisteredAt: date(this.oldDeregisteredAt) } : {}),
      ...(this.newHealthyAt !== undefined ? { newHealthyAt: date(this.newHealthyAt) } : {}),
      volumes: [...this.volumes],
      dryRun: this.dryRun,
    };
  }

  private now(): number {
    return this.deps.clock.nowMs();
  }

  private log(level: 'info' | 'warn', action: string, result: string, message: string): void {
    this.deps.logger?.event({ level, component: 'CORE-EXEC', action, result, message: `${this.input.kind} ${this.input.oldInstanceId} → ${this.input.newInstanceId}: ${message}` });
  }
}
