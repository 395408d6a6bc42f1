import { DataSource, EntityManager, In } from 'typeorm';
import { isDomainError, SafeModeSwitch } from '@spot/core';
import { AgentRegistry } from '@spot/identity';
import { ReplicaInstanceEntity, TransactionRunner } from '@spot/persistence';
import { ReplicaCostLedger } from './replica-cost-ledger';
import { LIVE_STATUSES, ReplicaService } from './replica-service';

export interface CoordinatorReport {
  created: number;
  terminated: number;
  costEntries: number;
  /** Agents whose standby could not be arranged this round (e.g. an emergency launch is pending); retried next round. */
  deferred: number;
}

const BY = 'replica-coordinator';

/**
 * Manual replica mode's guarantee (seed 001, runs every 10 s): every agent in that mode has
 * exactly one standby replica of its current primary. Missing → create one; several → keep the
 * most advanced; shadowing an instance that is no longer the primary (after a switch) → replace;
 * manual replicas of agents that left the mode → terminate. Also accrues replica costs.
 */
export class ReplicaCoordinator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly registry: AgentRegistry,
    private readonly replicas: ReplicaService,
    private readonly costs: ReplicaCostLedger,
    private readonly safeMode?: SafeModeSwitch,
  ) {}

  async run(): Promise<CoordinatorReport> {
    const report: CoordinatorReport = { created: 0, terminated: 0, costEntries: 0, deferred: 0 };
    // The global SAFE_MODE: no automatic command (create/terminate replicas); costs still accrue.
    if (await this.safeMode?.isOn()) {
      report.costEntries = await this.costs.accrue(await this.dataSource.getRepository(ReplicaInstanceEntity).findBy({ isActive: true, status: In(LIVE_STATUSES) }));
      return report;
    }
    for (const candidate of await this.registry.agentsInManualReplicaMode()) {
      await this.tx.run((manager) => this.keepOneStandby(manager, candidate.id, report)).catch((error: unknown) => {
        // One agent's refusal (pending emergency command, agent not placed …) must not stop the round.
        if (!isDomainError(error)) throw error;
        report.deferred += 1;
      });
    }
    report.terminated += await this.retireOrphanedManualReplicas();
    report.costEntries = await this.costs.accrue(await this.dataSource.getRepository(ReplicaInstanceEntity).findBy({ isActive: true, status: In(LIVE_STATUSES) }));
    return report;
  }

  private async keepOneStandby(manager: EntityManager, agentId: string, report: CoordinatorReport): Promise<void> {
    const agent = await this.registry.lockForUpdate(agentId, manager);
    if (!agent.manualReplicaEnabled || !agent.instanceId) return;
    const live = await this.replicas.live(agent.id, manager);
    const current = live.filter((r) => r.parentInstanceId === agent.instanceId);
    const surplus = [...live.filter((r) => r.parentInstanceId !== agent.instanceId), ...current.slice(1)];
    for (const replica of surplus) {
      await this.replicas.terminateLocked(manager, replica, BY, replica.parentInstanceId === agent.instanceId ? 'extra-standby' : 'primary-changed');
      report.terminated += 1;
    }
    if (current.length === 0) {
      await this.replicas.createLocked(manager, agent, { agentId: agent.id, type: 'manual', createdBy: BY });
      report.created += 1;
    }
  }

  /** Manual replicas whose agent has left manual replica mode. */
  private async retireOrphanedManualReplicas(): Promise<number> {
    const manual = await this.dataSource.getRepository(ReplicaInstanceEntity).findBy({ replicaType: 'manual', isActive: true, status: In(LIVE_STATUSES) });
    let retired = 0;
    for (const agentId of new Set(manual.map((r) => r.agentId))) {
      await this.tx.run(async (manager) => {
        const agent = await this.registry.lockForUpdate(agentId, manager);
        if (agent.manualReplicaEnabled) return;
        for (const replica of await this.replicas.live(agentId, manager)) {
          if (replica.replicaType !== 'manual') continue;
          await this.replicas.terminateLocked(manager, replica, BY, 'manual-mode-off');
          retired += 1;
        }
      });
    }
    return retired;
  }
}
