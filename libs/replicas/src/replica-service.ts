import { DataSource, EntityManager, FindOptionsWhere, In } from 'typeorm';
import { Clock, DomainError, IdGenerator, isDomainError, Page, PageRequest } from '@spot/core';
import { CommandRecord, CommandTracker } from '@spot/command-tracker';
import { SwitchRecorder } from '@spot/decisions';
import { AgentRegistry } from '@spot/identity';
import { NotificationService } from '@spot/notifications';
import { AgentEntity, insertRow, ReplicaInstanceEntity, ReplicaStatus, ReplicaType, SystemEventLog, TransactionRunner, writeLock } from '@spot/persistence';
import { ReplicaCostLedger } from './replica-cost-ledger';
import { PlacementRequest, ReplicaPlacement, ReplicaPoolSelector } from './pool-selection';

const COMPONENT = 'SVC-REPLICA';

/** Replicas that still stand by (or are on their way to). */
export const LIVE_STATUSES: ReplicaStatus[] = ['launching', 'syncing', 'ready'];

/** Allowed moves of the replica state machine; `promoted` only through promote(). */
const TRANSITIONS: Record<ReplicaStatus, ReplicaStatus[]> = {
  launching: ['syncing', 'ready', 'failed', 'terminated'],
  syncing: ['ready', 'failed', 'terminated'],
  ready: ['syncing', 'failed', 'terminated'],
  promoted: [],
  terminated: [],
  failed: [],
};

export interface CreateReplicaInput {
  agentId: string;
  type: ReplicaType;
  /** A chosen pool, or null/undefined for automatic choice. */
  poolId?: string | null;
  excludeZones?: string[];
  createdBy: string | null;
  /** Command sent to the primary's agent: launch-replica normally, emergency-launch on a termination without replica. */
  commandType?: 'launch-replica' | 'emergency-launch';
  /** Extra command payload (e.g. take a snapshot first). */
  payload?: Record<string, unknown>;
  /** Idempotency key of the launch command (defaults to one per replica). */
  idempotencyKey?: string;
}

export interface CreatedReplica {
  replica: ReplicaInstanceEntity;
  commandId: string;
  placement: ReplicaPlacement;
}

export interface PromoteOptions {
  reason: string;
  origin: 'manual' | 'emergency';
  demoteOldPrimary: boolean;
  by: string;
  /** When the signal that asked for this promotion arrived. */
  startedAt?: Date;
}

export interface PromotionResult {
  replica: ReplicaInstanceEntity;
  commandId: string;
  switchId: string;
  /** The standby that replaces the promoted one: the demoted old primary, or a new manual replica. */
  nextReplica: ReplicaInstanceEntity | null;
}

export interface SyncReport {
  /** Chosen by the replica's agent, stable across re-sends. */
  reportId?: string;
  progress: number;
  syncStatus?: string;
  latencyMs?: number;
}

export type PromotionListener = (result: PromotionResult, agent: AgentEntity, manager: EntityManager) => Promise<void>;

/**
 * Replica lifecycle (seeds 001, 002, 004): launching → syncing → ready → promoted | terminated,
 * the 9 replica routes' use cases, and promotion, which moves the logical agent onto the
 * replica's instance under the same agent id. Owns replica_instances and replica_cost_log.
 */
export class ReplicaService {
  private readonly promotionListeners: PromotionListener[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly registry: AgentRegistry,
    private readonly selector: ReplicaPoolSelector,
    private readonly commands: CommandTracker,
    private readonly switches: SwitchRecorder,
    private readonly costs: ReplicaCostLedger,
    private readonly notifications: NotificationService,
    private readonly events: SystemEventLog,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {
    this.commands.onResult((command) => this.launchReported(command));
  }

  /** Called after every promotion, in its transaction (the sentinel closes the interruption event). */
  onPromoted(listener: PromotionListener): void {
    this.promotionListeners.push(listener);
  }

  private repo(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(ReplicaInstanceEntity);
  }

  // ---------------------------------------------------------------- reads

  async get(agentId: string, replicaId: string, manager?: EntityManager): Promise<ReplicaInstanceEntity> {
    const replica = await this.repo(manager).findOneBy({ id: replicaId, agentId });
    if (!replica) throw DomainError.notFound('replica', replicaId);
    return replica;
  }

  /** The agent's replica, or null. */
  find(agentId: string, replicaId: string, manager?: EntityManager): Promise<ReplicaInstanceEntity | null> {
    return this.repo(manager).findOneBy({ id: replicaId, agentId });
  }

  listForAgent(agentId: string, filter: { activeOnly?: boolean }, page: PageRequest): Promise<Page<ReplicaInstanceEntity>> {
    return this.page(filter.activeOnly ? { agentId, isActive: true } : { agentId }, page);
  }

  listForClient(clientId: string, filter: { activeOnly?: boolean; agentId?: string }, page: PageRequest): Promise<Page<ReplicaInstanceEntity>> {
    return this.page({ clientId, ...(filter.agentId ? { agentId: filter.agentId } : {}), ...(filter.activeOnly ? { isActive: true } : {}) }, page);
  }

  private async page(where: FindOptionsWhere<ReplicaInstanceEntity>, page: PageRequest): Promise<Page<ReplicaInstanceEntity>> {
    const [items, total] = await this.repo().findAndCount({ where, order: { createdAt: 'DESC', id: 'DESC' }, skip: page.offset, take: page.limit });
    return { items, total, limit: page.limit, offset: page.offset };
  }

  /** The agent's replicas that still stand by, most advanced first (ready, syncing, launching). */
  async live(agentId: string, manager?: EntityManager): Promise<ReplicaInstanceEntity[]> {
    const rows = await this.repo(manager).findBy({ agentId, isActive: true, status: In(LIVE_STATUSES) });
    const rank = (r: ReplicaInstanceEntity) => LIVE_STATUSES.length - LIVE_STATUSES.indexOf(r.status);
    return rows.sort((a, b) => rank(a) - rank(b) || b.stateTransferProgress - a.stateTransferProgress || a.createdAt.getTime() - b.createdAt.getTime());
  }

  // ---------------------------------------------------------------- create

  /** Scenario 4: a user asks for a standby replica (manual replica mode must be on; one standby at a time). */
  async createManual(agentId: string, input: { poolId?: string | null; excludeZones?: string[]; createdBy: string }): Promise<CreatedReplica> {
    return this.tx.run(async (manager) => {
      const agent = await this.registry.lockForUpdate(agentId, manager);
      if (!agent.manualReplicaEnabled) {
        throw DomainError.conflict('MANUAL_REPLICA_DISABLED', 'Manual replica mode is off for this agent; enable manual_replica in its configuration first');
      }
      const live = await this.live(agentId, manager);
      if (live.length > 0) {
        throw DomainError.conflict('REPLICA_ALREADY_EXISTS', `Agent already has a standby replica (${live[0].id}); promote or delete it first`, { replica_id: live[0].id });
      }
      return this.createLocked(manager, agent, { agentId, type: 'manual', poolId: input.poolId, excludeZones: input.excludeZones, createdBy: input.createdBy });
    });
  }

  /**
   * Creates a replica of an agent whose row the caller holds (registry.lockForUpdate) in `manager`,
   * and queues the launch command for the primary's agent.
   */
  async createLocked(manager: EntityManager, agent: AgentEntity, input: CreateReplicaInput): Promise<CreatedReplica> {
    if (!agent.instanceType || !agent.region || !agent.az) {
      throw DomainError.conflict('AGENT_NOT_PLACED', 'The agent has not reported its instance yet; a replica needs its type and region');
    }
    const request: PlacementRequest = {
      region: agent.region,
      instanceType: agent.instanceType,
      az: agent.az,
      currentPoolId: agent.currentPoolId,
      strategy: input.type === 'manual' ? 'cheapest' : 'safest',
      poolId: input.poolId,
      excludeZones: input.excludeZones,
    };
    const placement = await this.selector.choose(request);
    const replica = this.newReplica(agent, {
      parentInstanceId: agent.instanceId,
      replicaType: input.type,
      poolId: placement.poolId,
      instanceType: placement.instanceType,
      az: placement.az,
      hourlyPrice: placement.hourlyPrice,
      createdBy: input.createdBy,
    });
    await insertRow(manager, ReplicaInstanceEntity, replica);
    const commandType = input.commandType ?? 'launch-replica';
    const command = await this.commands.issue(
      {
        clientId: agent.clientId,
        agentId: agent.id,
        commandType,
        origin: input.type === 'manual' ? 'manual' : 'emergency',
        payload: {
          replica_id: replica.id,
          replica_type: replica.replicaType,
          pool_id: placement.poolId,
          instance_type: placement.instanceType,
          region: agent.region,
          az: placement.az,
          mode: placement.mode,
          ...input.payload,
        },
        idempotencyKey: input.idempotencyKey ?? `${commandType}:${replica.id}`,
        createdBy: input.createdBy ?? undefined,
      },
      manager,
    );
    await this.syncAgentState(agent.id, manager);
    await this.events.record(
      {
        eventType: 'replica.created',
        component: COMPONENT,
        clientId: agent.clientId,
        agentId: agent.id,
        message: `${input.type} replica ${replica.id} of ${agent.logicalAgentId} launching in ${placement.poolId ?? `on-demand ${placement.instanceType} ${placement.az}`}`,
        metadata: { replica_id: replica.id, pool_id: placement.poolId, tier: placement.tier, command_id: command.id, created_by: input.createdBy },
      },
      manager,
    );
    return { replica, commandId: command.id, placement };
  }

  // ---------------------------------------------------------------- launches that do not finish

  /**
   * The primary's agent reported its launch-replica / emergency-launch command. A dry run (SAFE_MODE)
   * or a failure launched nothing: the replica is failed at once, so no phantom `launching` row
   * is later answered as the standby (issue 13). A real launch tells the instance id, kept in case
   * the replica's agent never comes up to report it (the timeout then still finds the instance).
   */
  private async launchReported(command: CommandRecord): Promise<void> {
    if (command.commandType !== 'launch-replica' && command.commandType !== 'emergency-launch') return;
    const replicaId = command.payload?.replica_id;
    if (typeof replicaId !== 'string') return;
    const dryRun = command.result?.dry_run === true;
    const launchedOn = typeof command.result?.instance_id === 'string' ? command.result.instance_id : null;
    if (command.status === 'completed' && !dryRun) {
      if (!launchedOn) return;
      await this.tx.run(async (manager) => {
        const replica = await this.find(command.agentId, replicaId, manager);
        if (!replica || replica.instanceId) return;
        await this.repo(manager).update({ id: replica.id }, { instanceId: launchedOn, updatedAt: this.clock.now() });
        // It was given up before the launch finished (timeout): the late instance goes too.
        if (replica.status === 'failed') await this.terminateReplicaInstance(manager, replica, launchedOn, 'launched-after-failure');
      });
      return;
    }
    if (command.status !== 'failed' && !dryRun) return;
    await this.tx.run(async (manager) => {
      await this.registry.lockForUpdate(command.agentId, manager);
      const replica = await this.find(command.agentId, replicaId, manager);
      if (!replica?.isActive || replica.status !== 'launching') return;
      const why = dryRun ? 'dry-run' : 'launch-failed';
      await this.failUnfinishedLocked(manager, replica, why, dryRun ? 'the agent ran the launch as a dry run (SAFE_MODE): nothing was launched' : `the launch failed: ${command.errorMessage ?? 'no reason given'}`);
    });
  }

  /**
   * Fails a replica that will not become a standby (dry run, failed launch, launching or syncing
   * too long), asks the primary's agent to terminate its instance when there is one, and reports
   * it (system event and notification). The caller holds the agent's row.
   */
  async failUnfinishedLocked(manager: EntityManager, replica: ReplicaInstanceEntity, why: string, explanation: string, instanceId: string | null = replica.instanceId): Promise<void> {
    const was = replica.status;
    await this.transition(manager, replica, 'failed', why);
    if (instanceId) await this.terminateReplicaInstance(manager, replica, instanceId, why);
    const message = `Replica ${replica.id} (${replica.replicaType}, ${was}) failed: ${explanation}${instanceId ? `; its instance ${instanceId} is being terminated` : ''}`;
    await this.events.record(
      { eventType: 'replica.failed', component: COMPONENT, severity: 'warning', clientId: replica.clientId, agentId: replica.agentId, message, metadata: { replica_id: replica.id, reason: why, was, instance_id: instanceId } },
      manager,
    );
    await this.notifications.notify(
      {
        clientId: replica.clientId,
        agentId: replica.agentId,
        category: 'replica',
        severity: 'warning',
        title: `Replica ${why === 'dry-run' ? 'not launched (dry run)' : why.replace('-', ' ')}`,
        message,
        metadata: { replica_id: replica.id, reason: why, instance_id: instanceId },
      },
      manager,
    );
  }

  /** Asks the primary's agent to terminate a given-up replica's instance (once per replica). */
  private async terminateReplicaInstance(manager: EntityManager, replica: ReplicaInstanceEntity, instanceId: string, reason: string): Promise<void> {
    await this.commands.issue(
      {
        clientId: replica.clientId,
        agentId: replica.agentId,
        commandType: 'terminate-instance',
        origin: 'manual',
        payload: { replica_id: replica.id, instance_id: instanceId, reason },
        idempotencyKey: `terminate-replica:${replica.id}`,
        createdBy: 'replica-lifecycle',
      },
      manager,
    );
  }

  // ---------------------------------------------------------------- updates from the replica's agent

  /** PUT: the instance the replica runs on, once launched. */
  async updateInstance(agentId: string, replicaId: string, input: { instanceId: string }): Promise<ReplicaInstanceEntity> {
    return this.tx.run(async (manager) => {
      const replica = await this.getLive(agentId, replicaId, manager);
      replica.instanceId = input.instanceId;
      replica.updatedAt = this.clock.now();
      await this.repo(manager).update({ id: replica.id }, { instanceId: replica.instanceId, updatedAt: replica.updatedAt });
      return replica;
    });
  }

  async updateStatus(agentId: string, replicaId: string, status: ReplicaStatus, detail?: string): Promise<ReplicaInstanceEntity> {
    return this.tx.run(async (manager) => {
      const replica = await this.getLive(agentId, replicaId, manager);
      return this.transition(manager, replica, status, detail);
    });
  }

  /** Sync progress (every 10 s in Scenario 2): the first report moves launching → syncing, 100 % makes it ready. */
  async updateSync(agentId: string, replicaId: string, report: SyncReport): Promise<ReplicaInstanceEntity> {
    return this.tx.run(async (manager) => {
      const replica = await this.lockReplica(agentId, replicaId, manager);
      // A re-send of the report applied last (also one racing it: the row lock orders them)
      // answers the replica as it is, even once that report made it ready and it was promoted.
      if (report.reportId && replica.lastSyncReportId === report.reportId) return replica;
      this.assertLive(replica);
      replica.lastSyncReportId = report.reportId ?? null;
      replica.stateTransferProgress = report.progress;
      replica.syncStatus = report.syncStatus ?? (report.progress >= 100 ? 'synced' : 'syncing');
      replica.syncLatencyMs = report.latencyMs ?? replica.syncLatencyMs;
      const target: ReplicaStatus = report.progress >= 100 ? 'ready' : 'syncing';
      if (replica.status === target) {
        replica.updatedAt = this.clock.now();
        await this.saveReplica(manager, replica);
        return replica;
      }
      return this.transition(manager, replica, target);
    });
  }

  private async transition(manager: EntityManager, replica: ReplicaInstanceEntity, status: ReplicaStatus, detail?: string): Promise<ReplicaInstanceEntity> {
    if (status === replica.status) return replica;
    if (!TRANSITIONS[replica.status].includes(status)) {
      throw DomainError.conflict('INVALID_REPLICA_TRANSITION', `A ${replica.status} replica cannot become ${status}`, { from: replica.status, to: status });
    }
    if (status === 'ready' && !replica.instanceId) {
      throw DomainError.conflict('REPLICA_INSTANCE_UNKNOWN', 'Report the replica instance id (PUT the replica, or register its agent) before it can be ready');
    }
    const now = this.clock.now();
    replica.status = status;
    replica.updatedAt = now;
    if (status === 'ready') {
      replica.readyAt = now;
      replica.stateTransferProgress = 100;
    }
    if (status === 'terminated' || status === 'failed') {
      replica.isActive = false;
      replica.terminatedAt = now;
      if (detail) replica.syncStatus = detail.slice(0, 50);
      await this.costs.close(replica, now, manager);
    }
    await this.saveReplica(manager, replica);
    await this.syncAgentState(replica.agentId, manager);
    if (status === 'ready' && replica.replicaType === 'automatic-termination') {
      // An emergency launch replaces a primary AWS is taking back: it takes over as soon as it can.
      await this.promoteLocked(manager, replica.agentId, replica.id, { reason: 'automatic-interruption-failover', origin: 'emergency', demoteOldPrimary: false, by: 'sentinel' });
      return (await this.repo(manager).findOneBy({ id: replica.id })) as ReplicaInstanceEntity;
    }
    return replica;
  }

  // ---------------------------------------------------------------- promote / delete

  async promote(agentId: string, replicaId: string, options: PromoteOptions): Promise<PromotionResult> {
    return this.tx.run((manager) => this.promoteLocked(manager, agentId, replicaId, options));
  }

  /**
   * Promotion (Scenario 3 step 5, Scenario 4 step 8): the promote command for the replica's agent,
   * the switch (the logical agent moves onto the replica's instance, same agent id), the replica
   * marked promoted, and the next standby (the demoted old primary, or in manual mode a new one).
   */
  async promoteLocked(manager: EntityManager, agentId: string, replicaId: string, options: PromoteOptions): Promise<PromotionResult> {
    // The agent row only: nothing here writes the client row (totals are derived on read), so
    // failovers of one client's agents run side by side (docs/benchmarks.md "failover").
    const agent = await this.registry.lockForUpdate(agentId, manager);
    return this.promoteHeld(manager, agent, await this.get(agentId, replicaId, manager), options);
  }

  /**
   * A termination's failover: with the agent row held, the ready standby of `parentInstanceId`
   * (the requested one if it is among them) is promoted; null when there is none. Reads the
   * agent and its replicas once (the hot path of a burst of notices).
   */
  async promoteReadyStandby(manager: EntityManager, agentId: string, parentInstanceId: string, requestedId: string | undefined, options: PromoteOptions): Promise<PromotionResult | null> {
    const agent = await this.registry.lockForUpdate(agentId, manager);
    const ready = (await this.live(agentId, manager)).filter((r) => r.status === 'ready' && r.parentInstanceId === parentInstanceId);
    const replica = (requestedId && ready.find((r) => r.id === requestedId)) || ready[0];
    return replica ? this.promoteHeld(manager, agent, replica, options) : null;
  }

  private async promoteHeld(manager: EntityManager, agent: AgentEntity, replica: ReplicaInstanceEntity, options: PromoteOptions): Promise<PromotionResult> {
    const agentId = agent.id;
    if (replica.status !== 'ready' || !replica.isActive || !replica.instanceId) {
      throw DomainError.conflict('REPLICA_NOT_READY', `Replica ${replica.id} is ${replica.status}; only a ready replica can be promoted`, { status: replica.status });
    }
    const now = this.clock.now();
    const oldPlacement = { instanceId: agent.instanceId, poolId: agent.currentPoolId, instanceType: agent.instanceType, az: agent.az, mode: agent.currentMode };
    const command = await this.commands.issue(
      {
        clientId: agent.clientId,
        agentId,
        commandType: 'promote-replica',
        origin: options.origin,
        payload: {
          replica_id: replica.id,
          new_instance_id: replica.instanceId,
          old_instance_id: oldPlacement.instanceId,
          demote_old_primary: options.demoteOldPrimary,
          reason: options.reason,
        },
        idempotencyKey: `promote-replica:${replica.id}`,
        createdBy: options.by,
      },
      manager,
    );
    const mode = replica.poolId ? 'spot' : 'on-demand';
    const recorded = await this.switches.record(
      {
        clientId: agent.clientId,
        agentId,
        commandId: command.id,
        oldInstanceId: oldPlacement.instanceId,
        newInstanceId: replica.instanceId,
        mode,
        poolId: replica.poolId,
        instanceType: replica.instanceType,
        az: replica.az,
        price: replica.hourlyPrice,
        trigger: options.reason,
        success: true,
        initiatedAt: options.startedAt ?? now,
        instanceLaunchedAt: replica.createdAt,
        instanceReadyAt: replica.readyAt,
      },
      manager,
    );
    Object.assign(replica, { status: 'promoted' as ReplicaStatus, promotedAt: now, isActive: false, updatedAt: now });
    await this.saveReplica(manager, replica);
    await this.costs.close(replica, now, manager);

    const moved: AgentEntity = {
      ...agent,
      instanceId: replica.instanceId,
      instanceType: replica.instanceType,
      az: replica.az,
      currentPoolId: replica.poolId,
      currentMode: mode,
    };
    let nextReplica: ReplicaInstanceEntity | null = null;
    if (options.demoteOldPrimary && oldPlacement.instanceId) {
      nextReplica = await this.demoteOldPrimary(manager, moved, oldPlacement, options.by);
    } else if (agent.manualReplicaEnabled) {
      // Manual mode keeps exactly one standby, right after a promotion too (seed 001 problems log).
      // If it cannot be queued now (say an emergency launch outranks it), the coordinator retries.
      nextReplica = await this.createLocked(manager, moved, { agentId, type: 'manual', createdBy: 'replica-coordinator' }).then(
        (created) => created.replica,
        (error: unknown) => {
          if (isDomainError(error)) return null;
          throw error;
        },
      );
    }
    await this.syncAgentState(agentId, manager, now);
    const result: PromotionResult = { replica, commandId: command.id, switchId: recorded.switch.id, nextReplica };
    await this.notifications.notify(
      {
        clientId: agent.clientId,
        agentId,
        category: 'failover',
        severity: options.origin === 'emergency' ? 'warning' : 'info',
        title: `${agent.logicalAgentId}: replica promoted`,
        message: `Replica ${replica.id} on ${replica.instanceId} is now the primary of ${agent.logicalAgentId} (${options.reason})`,
        metadata: { replica_id: replica.id, switch_id: recorded.switch.id, command_id: command.id },
      },
      manager,
    );
    for (const listener of this.promotionListeners) await listener(result, agent, manager);
    return result;
  }

  /** The old primary stays on as the standby of the new one (Scenario 4 `demote_old_primary`). */
  private async demoteOldPrimary(
    manager: EntityManager,
    agent: AgentEntity,
    old: { instanceId: string | null; poolId: string | null; instanceType: string | null; az: string | null },
    by: string,
  ): Promise<ReplicaInstanceEntity> {
    const replica = this.newReplica(agent, {
      instanceId: old.instanceId,
      parentInstanceId: agent.instanceId,
      replicaType: 'manual',
      poolId: old.poolId,
      instanceType: old.instanceType,
      az: old.az,
      status: 'syncing',
      syncStatus: 'demoted',
      createdBy: by,
    });
    await insertRow(manager, ReplicaInstanceEntity, replica);
    return replica;
  }

  private newReplica(agent: AgentEntity, fields: Pick<ReplicaInstanceEntity, 'parentInstanceId' | 'replicaType' | 'poolId' | 'instanceType' | 'az' | 'createdBy'> & Partial<ReplicaInstanceEntity>): ReplicaInstanceEntity {
    const now = this.clock.now();
    return {
      id: this.ids.uuid(),
      clientId: agent.clientId,
      agentId: agent.id,
      instanceId: null,
      hourlyPrice: null,
      status: 'launching',
      syncStatus: null,
      stateTransferProgress: 0,
      syncLatencyMs: null,
      lastSyncReportId: null,
      isActive: true,
      createdAt: now,
      readyAt: null,
      promotedAt: null,
      terminatedAt: null,
      updatedAt: now,
      ...fields,
    };
  }

  /** Deletes (terminates) a replica and asks the agent to terminate its instance. Idempotent. */
  async remove(agentId: string, replicaId: string, by: string): Promise<ReplicaInstanceEntity> {
    return this.tx.run(async (manager) => {
      await this.registry.lockForUpdate(agentId, manager);
      const replica = await this.get(agentId, replicaId, manager);
      if (replica.status === 'promoted') throw DomainError.conflict('REPLICA_PROMOTED', 'This replica was promoted and is the primary now; it cannot be deleted');
      if (!replica.isActive) return replica;
      await this.terminateLocked(manager, replica, by, 'deleted');
      return replica;
    });
  }

  /** Ends a live replica (deleted, superseded, extra standby) and queues the terminate command. */
  async terminateLocked(manager: EntityManager, replica: ReplicaInstanceEntity, by: string, why: string): Promise<void> {
    await this.transition(manager, replica, 'terminated', why);
    if (replica.instanceId) {
      await this.commands.issue(
        {
          clientId: replica.clientId,
          agentId: replica.agentId,
          commandType: 'terminate-instance',
          origin: 'manual',
          payload: { replica_id: replica.id, instance_id: replica.instanceId, reason: why },
          idempotencyKey: `terminate-replica:${replica.id}`,
          createdBy: by,
        },
        manager,
      );
    }
  }

  /** A replica's agent registered: it runs on `instanceId` (recorded if not known yet). */
  async attachReplicaAgent(agentId: string, replicaId: string, instanceId: string): Promise<ReplicaInstanceEntity> {
    return this.tx.run(async (manager) => {
      const replica = await this.getLive(agentId, replicaId, manager);
      if (replica.instanceId && replica.instanceId !== instanceId) {
        throw DomainError.conflict('REPLICA_INSTANCE_MISMATCH', `Replica ${replica.id} runs on ${replica.instanceId}, not ${instanceId}`);
      }
      if (!replica.instanceId) {
        replica.instanceId = instanceId;
        replica.updatedAt = this.clock.now();
        await this.saveReplica(manager, replica);
      }
      return replica;
    });
  }

  /** The replica row locked for an update, after the lock a failover takes (the agent row). */
  private async lockReplica(agentId: string, replicaId: string, manager: EntityManager): Promise<ReplicaInstanceEntity> {
    const replica = await this.get(agentId, replicaId, manager);
    if (replica.replicaType === 'automatic-termination') await this.registry.lockForUpdate(agentId, manager);
    const locked = await this.repo(manager).findOne({ where: { id: replicaId, agentId }, lock: writeLock(manager) });
    if (!locked) throw DomainError.notFound('replica', replicaId);
    return locked;
  }

  private assertLive(replica: ReplicaInstanceEntity): void {
    if (!replica.isActive) throw DomainError.conflict('REPLICA_NOT_ACTIVE', `Replica ${replica.id} is ${replica.status}`, { status: replica.status });
  }

  private async getLive(agentId: string, replicaId: string, manager: EntityManager): Promise<ReplicaInstanceEntity> {
    // An emergency launch promotes itself when ready: take the failover's lock (the agent row)
    // before touching anything, so the two paths cannot deadlock.
    let replica = await this.get(agentId, replicaId, manager);
    if (replica.replicaType === 'automatic-termination') {
      await this.registry.lockForUpdate(agentId, manager);
      replica = await this.get(agentId, replicaId, manager);
    }
    this.assertLive(replica);
    return replica;
  }

  private async saveReplica(manager: EntityManager, replica: ReplicaInstanceEntity): Promise<void> {
    const { id, ...fields } = replica;
    await this.repo(manager).update({ id }, fields);
  }

  /** agents.replica_count and current_replica_id follow the live replicas. */
  private async syncAgentState(agentId: string, manager: EntityManager, failoverAt?: Date): Promise<void> {
    const live = await this.live(agentId, manager);
    await this.registry.recordReplicaState(agentId, { replicaCount: live.length, currentReplicaId: live[0]?.id ?? null, ...(failoverAt ? { lastFailoverAt: failoverAt } : {}) }, manager);
  }
}
