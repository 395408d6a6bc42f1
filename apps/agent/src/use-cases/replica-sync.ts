import { randomUUID } from 'node:crypto';
import { ContinuityCloud } from '@spot/cloud';
import { ContinuitySettings, continuitySettingsFromWire, DEFAULT_REPLICA_SYNC_INTERVAL_SECONDS, ReplicaSyncUseCase } from '@spot/continuity';
import { AgentContext, message } from '../agent-context';
import { agentSleeper, hookRunnerOf } from './agent-sleeper';

/** A copy made by replica sync carries this tag: it is never a source. */
const REPLICA_TAG = 'spot:replica-id';

/**
 * A standby's state transfer (seed 004 SYNC_UPDATE_INTERVAL, docs/continuity.md "Replica sync"):
 * with data volumes in the continuity settings, `ReplicaSyncUseCase` snapshots the primary's
 * volumes (one full snapshot, then an incremental one every REPLICA_SYNC_INTERVAL) and puts
 * volumes made from them on this replica; the progress reported is the snapshots' own, and 100 %
 * (ready) only while the newest snapshot of every volume is younger than the interval. The sync
 * hook runs after each round. Nothing to transfer (no volumes, no hook), or an emergency
 * instance (its data comes by the volume move at take-over): ready at once.
 */
export class ReplicaSync {
  private progress = 0;
  private lastRoundAt: number | undefined;
  private lastHookOkAt: number | undefined;
  private copies: Record<string, string> = {};
  private running = false;

  constructor(private readonly ctx: AgentContext) {}

  private get intervalMs(): number {
    return this.ctx.ports.replicaSyncIntervalMs ?? DEFAULT_REPLICA_SYNC_INTERVAL_SECONDS * 1000;
  }

  /** One round of the SYNC loop. */
  async advance(): Promise<void> {
    if (this.ctx.role !== 'replica' || this.ctx.terminating || this.running) return;
    const replicaId = this.ctx.runtime.replicaId;
    if (!replicaId) return;
    const wire = this.ctx.runtime.current?.config.continuity;
    const settings = wire ? continuitySettingsFromWire(wire) : undefined;
    const cloud = this.ctx.ports.continuity;
    const hook = settings?.hooks?.sync;
    const withVolumes = !!(cloud && settings?.dataVolumes?.length);
    if (this.ctx.failover || (!withVolumes && !hook)) {
      await this.advanceTo(100);
      return;
    }
    this.running = true;
    try {
      await this.round(replicaId, settings as ContinuitySettings, withVolumes ? cloud : undefined);
    } finally {
      this.running = false;
    }
  }

  private async round(replicaId: string, settings: ContinuitySettings, cloud: ContinuityCloud | undefined): Promise<void> {
    const now = this.ctx.ports.clock.nowMs();
    const instance = await this.ctx.identity();
    if (!cloud) return this.hookRound(replicaId, instance.instanceId, settings, now);
    const useCase = new ReplicaSyncUseCase({
      cloud,
      clock: this.ctx.ports.clock,
      sleeper: agentSleeper(this.ctx),
      hooks: hookRunnerOf(this.ctx),
      intervalMs: this.intervalMs,
      pollMs: this.ctx.ports.cutoverPollMs ?? 5000,
      onProgress: (p) => void this.advanceTo(Math.min(99, p)).catch(() => undefined),
      logger: this.ctx.ports.logger,
    });
    const sources = await this.sourceVolumes(cloud, settings, instance.instanceId, replicaId);
    if (!sources.length) return this.hookRound(replicaId, instance.instanceId, settings, now);
    if (this.lastRoundAt === undefined || now - this.lastRoundAt >= this.intervalMs) {
      this.lastRoundAt = now;
      try {
        const done = await useCase.syncOnce({ replicaId, replicaInstanceId: instance.instanceId, replicaAz: instance.az, sourceVolumes: sources, replicaVolumes: this.copies, ...(settings.hooks?.sync ? { syncHook: settings.hooks.sync } : {}) });
        this.copies = done.replicaVolumes;
      } catch (error) {
        this.ctx.log('REPLICA-SYNC', 'FAILURE', message(error));
      }
    }
    const status = await useCase.status(replicaId, sources.map((s) => s.volumeId));
    const latencyMs = status.newestCompletedAt ? this.ctx.ports.clock.nowMs() - status.newestCompletedAt.getTime() : 0;
    await this.advanceTo(status.ready ? 100 : Math.min(99, status.progress), latencyMs);
  }

  /** No volumes to copy, only the sync hook (application-level replication): ready while its last good run is recent. */
  private async hookRound(replicaId: string, instanceId: string, settings: ContinuitySettings, now: number): Promise<void> {
    const hook = settings.hooks?.sync;
    if (hook && (this.lastRoundAt === undefined || now - this.lastRoundAt >= this.intervalMs)) {
      this.lastRoundAt = now;
      const result = await hookRunnerOf(this.ctx).run('sync', hook, { SPOT_REPLICA_ID: replicaId, SPOT_REPLICA_INSTANCE_ID: instanceId });
      if (result.ok) this.lastHookOkAt = this.ctx.ports.clock.nowMs();
      else this.ctx.log('REPLICA-SYNC', 'FAILURE', `sync hook ${result.timedOut ? 'timed out' : `exited ${result.exitCode}`}: ${result.outputTail.slice(-300)}`);
    }
    const fresh = !hook || (this.lastHookOkAt !== undefined && this.ctx.ports.clock.nowMs() - this.lastHookOkAt < this.intervalMs);
    if (fresh) await this.advanceTo(100);
  }

  /** Progress only goes up (a ready replica is not taken back by the control plane). */
  private async advanceTo(progress: number, latencyMs = 0): Promise<void> {
    if (progress <= this.progress) return;
    await this.report(progress, latencyMs);
  }

  /** The primary's data volumes named by the settings: attached to another instance, not a copy of this replica's. */
  private async sourceVolumes(cloud: ContinuityCloud, settings: ContinuitySettings, me: string, replicaId: string): Promise<Array<{ volumeId: string; device: string; volumeType: string; tags: Record<string, string> }>> {
    const found = new Map<string, { volumeId: string; device: string; volumeType: string; tags: Record<string, string> }>();
    for (const selector of settings.dataVolumes ?? []) {
      const volumes = selector.volumeId ? await cloud.describeVolumes({ volumeIds: [selector.volumeId] }) : await cloud.describeVolumes({ tags: { [selector.tag!.key]: selector.tag!.value } });
      for (const v of volumes) {
        // Our own copies are never a source (a promoted replica's copies are: they are the primary's data now).
        if (!v.attachment || v.attachment.instanceId === me || v.tags[REPLICA_TAG] === replicaId) continue;
        found.set(v.volumeId, { volumeId: v.volumeId, device: v.attachment.device, volumeType: v.volumeType, tags: v.tags });
      }
    }
    return [...found.values()];
  }

  async report(progress: number, latencyMs = 0): Promise<void> {
    const replicaId = this.ctx.runtime.replicaId;
    if (this.ctx.role !== 'replica' || !replicaId) return;
    this.progress = Math.max(this.progress, progress);
    this.ctx.outbox.add('replica-sync', { report_id: randomUUID(), progress, latency_ms: latencyMs, sync_status: progress >= 100 ? 'synced' : 'syncing' }, { ref: replicaId });
    await this.ctx.sender.flush();
  }
}
