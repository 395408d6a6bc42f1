import { DataSource, In, LessThanOrEqual } from 'typeorm';
import { CommandTracker } from '@spot/command-tracker';
import { Clock, isDomainError } from '@spot/core';
import { AgentRegistry } from '@spot/identity';
import { ReplicaInstanceEntity, TransactionRunner } from '@spot/persistence';
import { ReplicaService } from './replica-service';

export interface ReplicaTimeoutSettings {
  /** A replica still `launching` this long after it was asked for is given up. */
  launchingSeconds: number;
  /** A `syncing` replica without a sync report for this long is given up. */
  syncingSeconds: number;
}

export interface ReplicaTimeoutReport {
  timedOut: number;
  /** Of those, how many had an instance to terminate. */
  terminations: number;
}

/**
 * Replicas that never finish (issue 13) cost money and would be answered as a standby that is
 * not there: `launching` past its limit (the agent never came up), `syncing` without a report
 * past its limit (the agent died). Each is failed, its instance terminated through a
 * terminate-instance command to the primary's agent (how the control plane ends instances, see
 * ReplicaService.terminateLocked), and reported. A demoted old primary (syncing, 'demoted') is
 * a standby the user asked to keep and is left alone. Idempotent; the scheduler runs it every
 * minute under its job lock.
 */
export class ReplicaTimeouts {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly registry: AgentRegistry,
    private readonly replicas: ReplicaService,
    private readonly commands: CommandTracker,
    private readonly settings: ReplicaTimeoutSettings,
    private readonly clock: Clock,
  ) {}

  async run(): Promise<ReplicaTimeoutReport> {
    const now = this.clock.now();
    const launchingCutoff = new Date(now.getTime() - this.settings.launchingSeconds * 1000);
    const syncingCutoff = new Date(now.getTime() - this.settings.syncingSeconds * 1000);
    const repo = this.dataSource.getRepository(ReplicaInstanceEntity);
    const [launching, syncing] = await Promise.all([
      repo.find({ where: { isActive: true, status: 'launching', createdAt: LessThanOrEqual(launchingCutoff) } }),
      repo.find({ where: { isActive: true, status: In(['syncing']), updatedAt: LessThanOrEqual(syncingCutoff) } }),
    ]);
    const report: ReplicaTimeoutReport = { timedOut: 0, terminations: 0 };
    for (const candidate of [...launching, ...syncing.filter((r) => r.syncStatus !== 'demoted')]) {
      await this.tx
        .run(async (manager) => {
          await this.registry.lockForUpdate(candidate.agentId, manager);
          const replica = await this.replicas.find(candidate.agentId, candidate.id, manager);
          // Re-read under the lock: a report that arrived meanwhile wins.
          if (!replica?.isActive) return;
          const stuckLaunching = replica.status === 'launching' && replica.createdAt.getTime() <= launchingCutoff.getTime();
          const stuckSyncing = replica.status === 'syncing' && replica.syncStatus !== 'demoted' && replica.updatedAt.getTime() <= syncingCutoff.getTime();
          if (!stuckLaunching && !stuckSyncing) return;
          const instanceId = replica.instanceId ?? (await this.launchedInstance(replica));
          const limit = stuckLaunching ? this.settings.launchingSeconds : this.settings.syncingSeconds;
          await this.replicas.failUnfinishedLocked(
            manager,
            replica,
            stuckLaunching ? 'launch-timeout' : 'sync-timeout',
            stuckLaunching ? `still launching after ${limit} s (its agent never came up)` : `no sync report for ${limit} s`,
            instanceId,
          );
          report.timedOut += 1;
          if (instanceId) report.terminations += 1;
        })
        .catch((error: unknown) => {
          // One agent's refusal (say a conflicting termination is executing) must not stop the round.
          if (!isDomainError(error)) throw error;
        });
    }
    return report;
  }

  /** The instance the launch command reported, when the replica's agent never told it. */
  private async launchedInstance(replica: ReplicaInstanceEntity): Promise<string | null> {
    for (const type of ['launch-replica', 'emergency-launch']) {
      const command = await this.commands.findByIdempotencyKey(replica.agentId, `${type}:${replica.id}`);
      const instanceId = command?.result?.instance_id;
      if (typeof instanceId === 'string') return instanceId;
    }
    return null;
  }
}
