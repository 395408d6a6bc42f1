import { randomUUID } from 'node:crypto';
import { cleanUpImages } from '@spot/cloud';
import { cleanUpReplicaSnapshots } from '@spot/continuity';
import { AGENT_TAG, AgentContext, iso, message } from '../agent-context';

/** AMIs and snapshots of this agent past retention (seed 001 Cleanup Manager), reported to cleanup-report. */
export class ImageCleanup {
  constructor(private readonly ctx: AgentContext) {}

  /**
   * The agent's own retention pass (seed 001 "automatic cleanup with retention policies"):
   * AMIs on primaries; replica-sync snapshots on the replica that made them, and on the primary
   * that replica became (docs/continuity.md "Replica sync").
   */
  async runOwnPass(): Promise<Record<string, unknown> | undefined> {
    if (this.ctx.terminating || this.ctx.safeMode) return undefined;
    if (this.ctx.role === 'replica') {
      const replicaSnapshots = await this.replicaSnapshots();
      return { replica_snapshots: replicaSnapshots };
    }
    if (this.ctx.role !== 'primary') return undefined;
    const result = await this.execute({ retention_days: this.ctx.settings.cleanup?.retentionDays ?? 7, keep_latest: 2 });
    await this.ctx.sender.flush();
    return result;
  }

  async execute(payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const retentionDays = Number(payload.retention_days ?? 7);
    const keepLatest = Number(payload.keep_latest ?? 2);
    const startedAt = this.ctx.now();
    let outcome;
    let failure: string | undefined;
    let replicaSnapshots: { deleted: string[]; failures: Array<{ snapshotId: string; error: string }> } = { deleted: [], failures: [] };
    try {
      outcome = await cleanUpImages(this.ctx.ports.cloud, { tags: { [AGENT_TAG]: this.ctx.settings.logicalAgentId }, keepLatest, retentionDays, now: startedAt });
      if (outcome.failures.length) failure = outcome.failures.map((f) => `${f.resource}: ${f.message}`).join('; ');
      replicaSnapshots = await this.replicaSnapshots();
      if (replicaSnapshots.failures.length) failure = [failure, ...replicaSnapshots.failures.map((f) => `${f.snapshotId}: ${f.error}`)].filter(Boolean).join('; ');
    } catch (error) {
      failure = message(error);
    }
    const reportId = randomUUID();
    this.ctx.outbox.add(
      'cleanup-report',
      {
        report_id: reportId,
        cleanup_type: 'full',
        amis_deleted: outcome?.dryRun ? 0 : (outcome?.images.length ?? 0),
        snapshots_deleted: outcome?.dryRun ? 0 : (outcome?.snapshots.length ?? 0) + replicaSnapshots.deleted.length,
        retention_days: retentionDays,
        success: !failure,
        ...(failure ? { error_message: failure.slice(0, 2000) } : {}),
        details: { images: outcome?.images ?? [], snapshots: outcome?.snapshots ?? [], replica_snapshots: replicaSnapshots.deleted, dry_run: outcome?.dryRun ?? false, keep_latest: keepLatest },
        started_at: iso(startedAt),
        completed_at: iso(this.ctx.now()),
      },
      { key: `cleanup:${reportId}` },
    );
    if (failure && !outcome) throw new Error(failure);
    return { report_id: reportId, images: outcome?.images ?? [], snapshots: outcome?.snapshots ?? [], dry_run: outcome?.dryRun ?? false };
  }

  /** Snapshots of replica sync past the newest two per volume, of the replica ids this instance knows. */
  private async replicaSnapshots(): Promise<{ deleted: string[]; failures: Array<{ snapshotId: string; error: string }> }> {
    const cloud = this.ctx.ports.continuity;
    const ids = [this.ctx.runtime.replicaId, this.ctx.state.current?.promotedReplicaId].filter((id): id is string => !!id);
    const all = { deleted: [] as string[], failures: [] as Array<{ snapshotId: string; error: string }> };
    if (!cloud) return all;
    for (const id of new Set(ids)) {
      try {
        const done = await cleanUpReplicaSnapshots(cloud, id, 2);
        all.deleted.push(...done.deleted);
        all.failures.push(...done.failures);
      } catch (error) {
        all.failures.push({ snapshotId: `replica ${id}`, error: message(error) });
      }
    }
    return all;
  }
}
