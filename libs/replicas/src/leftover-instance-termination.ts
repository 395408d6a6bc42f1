import { EntityManager } from 'typeorm';
import { CommandRecord, CommandTracker } from '@spot/command-tracker';
import { Clock, isDomainError } from '@spot/core';
import { SwitchRecorder } from '@spot/decisions';
import { AgentRegistry } from '@spot/identity';
import { NotificationService } from '@spot/notifications';
import { InstanceEntity, SystemEventLog, TransactionRunner } from '@spot/persistence';
import { ReplicaService } from './replica-service';

export interface LeftoverTerminationReport {
  /** terminate-instance commands queued this run. */
  issued: number;
  /** Instances whose termination was seen done (instance and switch records updated). */
  terminated: number;
  /** Instances kept after all (they stand by as a replica) or given up after MAX_ATTEMPTS. */
  settled: number;
  /** Waiting for a queued command, or for the new primary to be online. */
  waiting: number;
}

const COMPONENT = 'SVC-REPLICA';
/** Terminate commands tried per instance before the control plane gives up and says so. */
export const MAX_ATTEMPTS = 3;
const keyOf = (instanceRecordId: string, attempt: number) => `terminate-leftover:${instanceRecordId}:${attempt}`;
/** Reported done for real: a dry run (the agent's SAFE_MODE) terminated nothing. */
const isDone = (command: CommandRecord) => command.status === 'completed' && command.result?.dry_run !== true;

/**
 * Durable pending termination, control-plane half (issue 13). A replaced instance whose
 * terminate wait has ended (instances.terminate_after, plus a grace so its own agent goes first)
 * and that is not known to be terminated gets a terminate-instance command for the workload's
 * agent — how the control plane ends instances (see ReplicaService.terminateLocked) — once the
 * new primary is online (never before the new one is healthy: docs/architecture.md). When the
 * command is reported done, the instance's terminated_at and the switch's old_terminated_at are
 * recorded. A failed or expired command is tried again, up to MAX_ATTEMPTS, then reported.
 * Idempotent (one command per attempt, by idempotency key); the scheduler runs it every minute.
 */
export class LeftoverInstanceTermination {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly registry: AgentRegistry,
    private readonly replicas: ReplicaService,
    private readonly commands: CommandTracker,
    private readonly switches: SwitchRecorder,
    private readonly notifications: NotificationService,
    private readonly events: SystemEventLog,
    private readonly clock: Clock,
    private readonly graceSeconds: number,
  ) {}

  async run(): Promise<LeftoverTerminationReport> {
    const report: LeftoverTerminationReport = { issued: 0, terminated: 0, settled: 0, waiting: 0 };
    const cutoff = new Date(this.clock.now().getTime() - this.graceSeconds * 1000);
    for (const instance of await this.registry.instancesPendingTermination(cutoff)) {
      await this.tx
        .run((manager) => this.handle(manager, instance, report))
        .catch((error: unknown) => {
          // A refused command (a conflicting one executes) is retried on the next run.
          if (!isDomainError(error)) throw error;
          report.waiting += 1;
        });
    }
    return report;
  }

  private async handle(manager: EntityManager, instance: InstanceEntity, report: LeftoverTerminationReport): Promise<void> {
    if (!instance.agentId) {
      await this.registry.settlePendingTermination(instance.id, null, manager);
      report.settled += 1;
      return;
    }
    // Client first, then agent: the order failovers take them in (ReplicaService.promoteLocked).
    const agent = await this.registry.lockForUpdate(instance.agentId, manager);
    if ((await this.replicas.live(agent.id, manager)).some((r) => r.instanceId === instance.instanceId)) {
      // It stands by as a replica of the new primary (a demoted old primary): it stays.
      await this.registry.settlePendingTermination(instance.id, null, manager);
      report.settled += 1;
      return;
    }
    let attempt = 1;
    let last: CommandRecord | null = null;
    for (; attempt <= MAX_ATTEMPTS; attempt += 1) {
      last = await this.commands.findByIdempotencyKey(agent.id, keyOf(instance.id, attempt));
      if (!last || last.status === 'pending' || last.status === 'executing' || isDone(last)) break;
    }
    if (last && isDone(last)) {
      const at = last.completedAt ?? this.clock.now();
      await this.registry.settlePendingTermination(instance.id, at, manager);
      await this.switches.recordOldTerminated(agent.id, instance.instanceId, at, manager);
      await this.events.record(
        {
          eventType: 'instance.leftover_terminated',
          component: COMPONENT,
          clientId: instance.clientId,
          agentId: agent.id,
          message: `Replaced instance ${instance.instanceId} of ${agent.logicalAgentId} terminated by the control plane after its terminate wait`,
          metadata: { instance_id: instance.instanceId, command_id: last.id, terminate_after: instance.terminateAfter?.toISOString() ?? null },
        },
        manager,
      );
      report.terminated += 1;
      return;
    }
    if (last && (last.status === 'pending' || last.status === 'executing')) {
      report.waiting += 1;
      return;
    }
    if (attempt > MAX_ATTEMPTS) {
      await this.giveUp(manager, instance, agent.logicalAgentId, last);
      report.settled += 1;
      return;
    }
    if (agent.status !== 'online' || !agent.instanceId || agent.instanceId === instance.instanceId) {
      report.waiting += 1;
      return;
    }
    await this.commands.issue(
      {
        clientId: instance.clientId,
        agentId: agent.id,
        commandType: 'terminate-instance',
        origin: 'automatic',
        payload: { instance_id: instance.instanceId, reason: 'terminate-wait-elapsed', terminate_after: instance.terminateAfter?.toISOString() ?? null, attempt },
        idempotencyKey: keyOf(instance.id, attempt),
        createdBy: 'leftover-termination',
      },
      manager,
    );
    report.issued += 1;
  }

  private async giveUp(manager: EntityManager, instance: InstanceEntity, logicalAgentId: string, last: CommandRecord | null): Promise<void> {
    await this.registry.settlePendingTermination(instance.id, null, manager);
    const message = `Replaced instance ${instance.instanceId} of ${logicalAgentId} could not be terminated after ${MAX_ATTEMPTS} attempts (${last?.errorMessage ?? last?.status ?? 'no result'}); terminate it by hand`;
    await this.events.record(
      { eventType: 'instance.leftover_termination_failed', component: COMPONENT, severity: 'error', clientId: instance.clientId, agentId: instance.agentId, message, metadata: { instance_id: instance.instanceId } },
      manager,
    );
    await this.notifications.notify(
      { clientId: instance.clientId, agentId: instance.agentId, category: 'instance', severity: 'critical', title: `Instance ${instance.instanceId} still running`, message, metadata: { instance_id: instance.instanceId } },
      manager,
    );
  }
}
