import { ContinuityCloud, SnapshotDescription } from '@spot/cloud';
import { Clock, DomainError, StructuredLogger } from '@spot/core';
import { HookResult, HookRunner } from './hooks';
import { HookSpec } from './settings';
import { Sleeper, waitUntil } from './waiting';

export interface ReplicaSyncInput {
  replicaId: string;
  replicaInstanceId: string;
  replicaAz: string;
  /** The primary's data volumes (ids and devices). */
  sourceVolumes: Array<{ volumeId: string; device: string; volumeType?: string; tags?: Record<string, string> }>;
  /** The copies on the replica now, by source volume id (empty before the first round). */
  replicaVolumes: Record<string, string>;
  syncHook?: HookSpec;
}

export interface ReplicaSyncRound {
  /** By source volume id: the snapshot of this round and the volume made from it, now on the replica. */
  snapshots: Record<string, string>;
  replicaVolumes: Record<string, string>;
  /** Copies replaced this round (deleted). */
  retiredVolumes: string[];
  full: boolean;
  durationMs: number;
  hook?: HookResult;
}

export interface ReplicaSyncStatus {
  /** 0–100: the progress of the round under way, 100 when the newest snapshots are complete. */
  progress: number;
  ready: boolean;
  newestCompletedAt?: Date;
}

export interface ReplicaSyncDeps {
  cloud: ContinuityCloud;
  clock: Clock;
  sleeper: Sleeper;
  hooks: HookRunner;
  /** REPLICA_SYNC_INTERVAL. */
  intervalMs: number;
  pollMs?: number;
  /** Called with the round's progress (0–100) as snapshots advance (the agent reports it). */
  onProgress?: (progress: number) => void;
  logger?: StructuredLogger;
}

const TAG_REPLICA = 'spot:replica-id';
const TAG_SOURCE = 'spot:source-volume';

/**
 * Replica sync by EBS snapshots (issue 14, docs/continuity.md "Replica sync"): each round
 * snapshots the primary's data volumes (the first one is full, later ones write only the
 * changed blocks: EBS snapshots are incremental), makes a volume from each in the replica's
 * zone and swaps it onto the replica. Progress comes from the snapshots' own progress; the
 * replica is ready while its newest snapshots are younger than the interval. The sync hook
 * runs after each round (e.g. to let a database catch up from its own stream).
 *
 * Snapshots carry `spot:replica-id`, so the cleanup pass can find and delete old ones.
 */
export class ReplicaSyncUseCase {
  private readonly pollMs: number;

  constructor(private readonly deps: ReplicaSyncDeps) {
    this.pollMs = deps.pollMs ?? 5000;
  }

  async syncOnce(input: ReplicaSyncInput): Promise<ReplicaSyncRound> {
    const { cloud, clock } = this.deps;
    const started = clock.nowMs();
    const previous = await this.completedSnapshots(input.replicaId);
    const full = input.sourceVolumes.some((v) => !previous.some((s) => s.volumeId === v.volumeId));
    const tags = { [TAG_REPLICA]: input.replicaId };
    const snapshots: Record<string, string> = {};
    for (const v of input.sourceVolumes) {
      const created = await cloud.createSnapshot({ volumeId: v.volumeId, description: `replica ${input.replicaId} sync of ${v.volumeId}`, tags: { ...tags, [TAG_SOURCE]: v.volumeId } });
      if (created.dryRun) throw new DomainError('conflict', 'SAFE_MODE', 'replica sync does not run in safe mode');
      snapshots[v.volumeId] = created.value.snapshotId;
    }
    const ids = Object.values(snapshots);
    await waitUntil(clock, this.deps.sleeper, `replica ${input.replicaId} snapshots`, 6 * 3600_000, this.pollMs, async () => {
      const described = await cloud.describeSnapshots({ snapshotIds: ids });
      const failed = described.find((s) => s.state === 'error');
      if (failed) throw new DomainError('unavailable', 'SNAPSHOT_FAILED', `snapshot ${failed.snapshotId} of ${failed.volumeId} failed`);
      this.deps.onProgress?.(Math.floor(described.reduce((sum, s) => sum + s.progress, 0) / Math.max(1, described.length)));
      return described.length === ids.length && described.every((s) => s.state === 'completed') ? true : undefined;
    });

    const replicaVolumes: Record<string, string> = { ...input.replicaVolumes };
    const retired: string[] = [];
    for (const v of input.sourceVolumes) {
      // The source's own tags go along, so a tag selector finds the copies once the replica is promoted.
      const own = Object.fromEntries(Object.entries(v.tags ?? {}).filter(([k]) => !k.startsWith('spot:') && !k.startsWith('aws:')));
      const made = await cloud.createVolume({ snapshotId: snapshots[v.volumeId], az: input.replicaAz, volumeType: v.volumeType, tags: { ...own, ...tags, [TAG_SOURCE]: v.volumeId } });
      if (made.dryRun) continue;
      await this.waitVolume(made.value.volumeId, (s) => s.state === 'available');
      const old = input.replicaVolumes[v.volumeId];
      if (old) {
        await cloud.detachVolume({ volumeId: old, instanceId: input.replicaInstanceId });
        await this.waitVolume(old, (s) => s.state === 'available');
      }
      await cloud.attachVolume({ volumeId: made.value.volumeId, instanceId: input.replicaInstanceId, device: v.device });
      await this.waitVolume(made.value.volumeId, (s) => s.attachment?.instanceId === input.replicaInstanceId && s.attachment.state === 'attached');
      if (old) {
        await cloud.deleteVolume(old);
        retired.push(old);
      }
      replicaVolumes[v.volumeId] = made.value.volumeId;
    }
    let hook: HookResult | undefined;
    if (input.syncHook) {
      hook = await this.deps.hooks.run('sync', input.syncHook, { SPOT_REPLICA_ID: input.replicaId, SPOT_REPLICA_INSTANCE_ID: input.replicaInstanceId });
      if (!hook.ok) throw new DomainError('unavailable', 'HOOK_FAILED', `sync hook ${hook.timedOut ? 'timed out' : `exited ${hook.exitCode}`}: ${hook.outputTail.slice(-300)}`);
    }
    this.deps.onProgress?.(100);
    this.deps.logger?.event({ level: 'info', component: 'CORE-EXEC', action: 'REPLICA-SYNC', result: 'SUCCESS', message: `${input.replicaId}: ${full ? 'full' : 'incremental'} round of ${ids.length} volume(s) in ${clock.nowMs() - started}ms` });
    return { snapshots, replicaVolumes, retiredVolumes: retired, full, durationMs: clock.nowMs() - started, ...(hook ? { hook } : {}) };
  }

  /** Progress and readiness from the snapshots themselves (no counter of our own). */
  async status(replicaId: string, sourceVolumeIds: string[]): Promise<ReplicaSyncStatus> {
    const all = await this.deps.cloud.describeSnapshots({ tags: { [TAG_REPLICA]: replicaId } });
    const now = this.deps.clock.nowMs();
    let progressSum = 0;
    let newestComplete = Number.POSITIVE_INFINITY;
    let allFresh = sourceVolumeIds.length > 0;
    for (const volumeId of sourceVolumeIds) {
      const mine = all.filter((s) => s.volumeId === volumeId).sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
      const latest = mine[0];
      const completed = mine.find((s) => s.state === 'completed');
      progressSum += latest ? latest.progress : 0;
      if (!completed) {
        allFresh = false;
        continue;
      }
      newestComplete = Math.min(newestComplete, completed.startTime.getTime());
      if (now - completed.startTime.getTime() >= this.deps.intervalMs) allFresh = false;
    }
    return {
      progress: Math.floor(progressSum / Math.max(1, sourceVolumeIds.length)),
      ready: allFresh,
      ...(Number.isFinite(newestComplete) ? { newestCompletedAt: new Date(newestComplete) } : {}),
    };
  }

  private async completedSnapshots(replicaId: string): Promise<SnapshotDescription[]> {
    return (await this.deps.cloud.describeSnapshots({ tags: { [TAG_REPLICA]: replicaId } })).filter((s) => s.state === 'completed');
  }

  private async waitVolume(volumeId: string, done: (v: { state: string; attachment?: { instanceId: string; state: string } }) => boolean): Promise<void> {
    await waitUntil(this.deps.clock, this.deps.sleeper, `volume ${volumeId}`, 10 * 60_000, this.pollMs, async () => {
      const [v] = await this.deps.cloud.describeVolumes({ volumeIds: [volumeId] });
      return v && done(v) ? true : undefined;
    });
  }
}

/** REPLICA_SYNC_INTERVAL in seconds (default 300): how often a replica takes an incremental snapshot round. */
export const DEFAULT_REPLICA_SYNC_INTERVAL_SECONDS = 300;

export function replicaSyncIntervalMs(env: Record<string, string | undefined> = process.env): number {
  const raw = env.REPLICA_SYNC_INTERVAL;
  if (raw === undefined || raw === '') return DEFAULT_REPLICA_SYNC_INTERVAL_SECONDS * 1000;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 60 || seconds > 86_400) {
    throw DomainError.invalid('INVALID_CONFIG', `REPLICA_SYNC_INTERVAL must be whole seconds from 60 to 86400, got "${raw}"`, [{ field: 'REPLICA_SYNC_INTERVAL', problems: ['60–86400 seconds'] }]);
  }
  return seconds * 1000;
}

/**
 * The replica-sync part of the cleanup pass: deletes a replica's completed snapshots except the
 * newest `keepLatest` of each source volume (a new volume can still be made from those).
 * Pending snapshots are never touched.
 */
export async function cleanUpReplicaSnapshots(cloud: ContinuityCloud, replicaId: string, keepLatest = 2): Promise<{ deleted: string[]; failures: Array<{ snapshotId: string; error: string }> }> {
  const snapshots = (await cloud.describeSnapshots({ tags: { [TAG_REPLICA]: replicaId } })).filter((s) => s.state === 'completed');
  const bySource = new Map<string, SnapshotDescription[]>();
  for (const s of snapshots) bySource.set(s.volumeId, [...(bySource.get(s.volumeId) ?? []), s]);
  const deleted: string[] = [];
  const failures: Array<{ snapshotId: string; error: string }> = [];
  for (const list of bySource.values()) {
    const old = list.sort((a, b) => b.startTime.getTime() - a.startTime.getTime()).slice(keepLatest);
    for (const s of old) {
      try {
        const done = await cloud.deleteSnapshot(s.snapshotId);
        if (!done.dryRun) deleted.push(s.snapshotId);
      } catch (error) {
        failures.push({ snapshotId: s.snapshotId, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  return { deleted, failures };
}
