import { DataSource, EntityManager, QueryDeepPartialEntity } from 'typeorm';
import { Clock, DomainError, IdGenerator, sha256Hex } from '@spot/core';
import { GlobalRiskTracker } from '@spot/global-risk';
import { AgentRegistry } from '@spot/identity';
import { NotificationService } from '@spot/notifications';
import { AgentEntity, insertRow, InterruptionSignalType, isUniqueViolation, SpotInterruptionEventEntity, SystemEventLog, TransactionRunner } from '@spot/persistence';
import { PromotionResult, ReplicaService } from '@spot/replicas';
import { ConcurrencyLimit } from './concurrency-limit';
import { EmergencyAdmission } from './emergency-admission';
import { REBALANCE_RISK_THRESHOLD, RebalanceRiskScorer } from './rebalance-risk';

export type SignalRoute = 'rebalance-recommendation' | 'termination' | 'interruption' | 'termination-imminent' | 'create-emergency-replica';

/** One AWS interruption signal as an agent (primary or replica) reports it. */
export interface InterruptionSignal {
  route: SignalRoute;
  signalType: 'rebalance-recommendation' | 'termination-notice';
  /** The interrupted instance; defaults to the agent's current one. */
  instanceId?: string;
  /** terminate | stop | hibernate (termination notices). */
  instanceAction?: string;
  /** When AWS acts (termination) or noticed (rebalance). */
  actionTime?: Date;
  reportedBy?: 'primary' | 'replica';
  /** The replica the agent wants promoted (termination-imminent). */
  replicaId?: string;
  /** The agent judged the risk itself (create-emergency-replica): skip the risk threshold. */
  forceReplica?: boolean;
}

export type ResponseAction =
  | 'monitor'
  | 'instance-replaced'
  | 'existing-replica'
  | 'created-emergency-replica'
  | 'promoted-existing-replica'
  | 'emergency-launch'
  | 'queued';

export interface SignalOutcome {
  event: SpotInterruptionEventEntity;
  /** The same signal was already recorded (a retry, or primary and replica both reporting). */
  duplicate: boolean;
}

/** Emergencies launch before rebalances when the rate limiter holds work back. */
const QUEUE_PRIORITY: Record<InterruptionSignalType, number> = { 'termination-notice': 100, interruption: 100, 'rebalance-recommendation': 50 };

const COMPONENT = 'CORE-SEF';

/** Failover transactions run at once per process (see ConcurrencyLimit), within the default pool of 10 connections. */
const CONCURRENT_FAILOVERS = 8;

/**
 * Smart Emergency Fallback (seeds 001, 004): turns interruption signals into replicas and
 * failovers. Rebalance → risk score → emergency replica in the safest affordable pool above 0.30;
 * termination → promote a ready replica, else snapshot + emergency launch (priority 100).
 * Emergencies ignore auto_switch / auto_replica and need no decision engine. Every signal flags
 * its pool in the global risk tracker; duplicate reports are one event; capacity launches pass
 * the rate limiter or wait, by priority, in the queue (events in `queued`), and none is dropped.
 * Owns spot_interruption_events.
 */
export class EmergencyFallback {
  private readonly failovers = new ConcurrencyLimit(CONCURRENT_FAILOVERS);

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly registry: AgentRegistry,
    private readonly replicas: ReplicaService,
    private readonly risk: RebalanceRiskScorer,
    private readonly globalRisk: GlobalRiskTracker,
    private readonly admission: EmergencyAdmission,
    private readonly notifications: NotificationService,
    private readonly events: SystemEventLog,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {
    replicas.onPromoted((result, _agent, manager) => this.completeEmergencyLaunch(result, manager));
  }

  private repo(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(SpotInterruptionEventEntity);
  }

  async handle(agentId: string, signal: InterruptionSignal): Promise<SignalOutcome> {
    const started = performance.now();
    const agent = await this.registry.getAgent(agentId);
    const instanceId = signal.instanceId ?? agent.instanceId;
    if (!instanceId) throw DomainError.conflict('AGENT_NOT_PLACED', 'The agent has no instance yet; register it before reporting interruptions');

    const recorded = await this.record(agent, instanceId, signal);
    let respondWith = signal;
    if (recorded.duplicate) {
      const upgrade = signal.forceReplica && recorded.event.responseAction === 'monitor';
      // The replica this signal got never became a standby (a dry run, a failed or timed-out
      // launch): the signal is answered again with a new one, not with that phantom (issue 13).
      const replicaLost = await this.answeredWithEndedReplica(recorded.event);
      if (!upgrade && !replicaLost) return recorded;
      if (replicaLost) respondWith = { ...signal, forceReplica: true };
    } else {
      await this.flagPool(agent, recorded.event);
    }
    const event = await this.respond(recorded.event, respondWith, started);
    return { event, duplicate: recorded.duplicate };
  }

  private async answeredWithEndedReplica(event: SpotInterruptionEventEntity): Promise<boolean> {
    if (!event.replicaId || !['created-emergency-replica', 'existing-replica', 'emergency-launch'].includes(event.responseAction ?? '')) return false;
    const replica = await this.replicas.find(event.agentId, event.replicaId);
    return replica !== null && (replica.status === 'failed' || replica.status === 'terminated');
  }

  /** The event row; the dedup key makes the second report of the same signal find the first. */
  private async record(agent: AgentEntity, instanceId: string, signal: InterruptionSignal): Promise<SignalOutcome> {
    const dedupKey = sha256Hex(`${agent.id}|${instanceId}|${signal.signalType}`);
    const existing = await this.repo().findOneBy({ dedupKey });
    if (existing) return { event: existing, duplicate: true };
    const now = this.clock.now();
    const event: SpotInterruptionEventEntity = {
      id: this.ids.uuid(),
      clientId: agent.clientId,
      agentId: agent.id,
      instanceId,
      poolId: instanceId === agent.instanceId ? agent.currentPoolId : null,
      signalType: signal.signalType,
      dedupKey,
      instanceAction: signal.instanceAction ?? null,
      actionTime: signal.actionTime ?? null,
      detectedAt: now,
      reportedBy: signal.reportedBy ?? 'primary',
      riskScore: null,
      responseAction: null,
      actionAt: null,
      replicaId: null,
      commandId: null,
      failoverCompleted: false,
      failoverTimeMs: null,
      success: null,
      errorMessage: null,
      metadata: { route: signal.route, ...(signal.replicaId ? { requested_replica_id: signal.replicaId } : {}) },
      createdAt: now,
      updatedAt: now,
    };
    try {
      await insertRow(this.dataSource.manager, SpotInterruptionEventEntity, event);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Primary and replica reported at the same moment: the other insert won.
      return { event: (await this.repo().findOneBy({ dedupKey })) as SpotInterruptionEventEntity, duplicate: true };
    }
    return { event, duplicate: false };
  }

  /** Seed 003 hive mind: the pool is off-limits for every client for 30 minutes. */
  private async flagPool(agent: AgentEntity, event: SpotInterruptionEventEntity): Promise<void> {
    if (!event.poolId || !agent.region || !agent.az || !agent.instanceType) return;
    await this.globalRisk.flagPool({ region: agent.region, az: agent.az, instanceType: agent.instanceType, signal: event.signalType });
  }

  private async respond(event: SpotInterruptionEventEntity, signal: Pick<InterruptionSignal, 'forceReplica' | 'replicaId'>, started: number): Promise<SpotInterruptionEventEntity> {
    const current = await this.registry.getAgent(event.agentId);
    // A notice for an instance the workload already left (e.g. during terminate_wait after a
    // switch) needs nothing: the workload runs elsewhere.
    if (current.instanceId !== event.instanceId) return this.finish(event, { responseAction: 'instance-replaced', success: true });
    if (event.signalType === 'rebalance-recommendation' && !signal.forceReplica) {
      const agent = current;
      const instance = await this.registry.currentInstance(agent);
      const assessment = await this.risk.assess({
        region: agent.region ?? '',
        instanceType: agent.instanceType ?? '',
        poolId: event.poolId,
        instanceId: event.instanceId,
        launchedAt: instance?.installedAt ?? null,
        now: this.clock.now(),
      });
      event.riskScore = assessment.score;
      event.metadata = { ...event.metadata, risk: assessment };
      if (assessment.score <= REBALANCE_RISK_THRESHOLD) return this.finish(event, { responseAction: 'monitor', success: true });
    }
    if (event.signalType === 'termination-notice') {
      const promoted = await this.failovers.run(() => this.tx.run((manager) => this.promoteReady(manager, event, signal.replicaId, started)));
      if (promoted) return promoted;
    }
    return this.launchOrQueue(event);
  }

  /** Termination with a ready replica: promote it now (no launch, so no rate limit). */
  private async promoteReady(manager: EntityManager, event: SpotInterruptionEventEntity, requestedId: string | undefined, started: number): Promise<SpotInterruptionEventEntity | null> {
    const result = await this.replicas.promoteReadyStandby(manager, event.agentId, event.instanceId, requestedId, {
      reason: 'automatic-interruption-failover',
      origin: 'emergency',
      demoteOldPrimary: false,
      by: 'sentinel',
      startedAt: event.detectedAt,
    });
    if (!result) return null;
    const replica = result.replica;
    return this.finish(
      event,
      {
        responseAction: 'promoted-existing-replica',
        replicaId: replica.id,
        commandId: result.commandId,
        failoverCompleted: true,
        failoverTimeMs: Math.max(0, Math.round(performance.now() - started)),
        success: true,
      },
      manager,
    );
  }

  /** A replica (rebalance) or emergency launch (termination) if the limiter has room, else queued. */
  private launchOrQueue(event: SpotInterruptionEventEntity): Promise<SpotInterruptionEventEntity> {
    return this.admission.serialise(() =>
      this.tx.run(async (manager) => {
        const agent = await this.registry.lockForUpdate(event.agentId, manager);
        const live = await this.replicas.live(agent.id, manager);
        const covering = live.find((r) => r.parentInstanceId === event.instanceId && (event.signalType === 'rebalance-recommendation' || r.replicaType === 'automatic-termination'));
        if (covering) return this.finish(event, { responseAction: 'existing-replica', replicaId: covering.id, success: true }, manager);
        const termination = event.signalType === 'termination-notice';
        // A second answer to the same event (its first replica ended) is a new launch.
        const launchKey = `${termination ? 'emergency-launch' : 'launch-replica'}:${event.id}${event.replicaId ? `:after:${event.replicaId}` : ''}`;
        if (!(await this.admission.hasRoom(manager, agent.clientId, event.poolId, launchKey))) return this.finish(event, { responseAction: 'queued' }, manager);
        const created = await this.replicas.createLocked(manager, agent, {
          agentId: agent.id,
          type: termination ? 'automatic-termination' : 'automatic-rebalance',
          createdBy: 'sentinel',
          commandType: termination ? 'emergency-launch' : 'launch-replica',
          payload: termination ? { snapshot: true, termination_time: event.actionTime?.toISOString() ?? null, interruption_event_id: event.id } : { interruption_event_id: event.id },
          idempotencyKey: launchKey,
        });
        return this.finish(
          event,
          {
            responseAction: termination ? 'emergency-launch' : 'created-emergency-replica',
            replicaId: created.replica.id,
            commandId: created.commandId,
            actionAt: this.clock.now(),
            success: termination ? null : true,
            metadata: { ...event.metadata, pool_tier: created.placement.tier, target_pool_id: created.placement.poolId },
          },
          manager,
        );
      }),
    );
  }

  private async finish(event: SpotInterruptionEventEntity, changes: Partial<SpotInterruptionEventEntity> & { responseAction: ResponseAction }, manager?: EntityManager): Promise<SpotInterruptionEventEntity> {
    // Told once, with the first response, inside the response's transaction: the notification row
    // references the client, which a failover holds locked; waiting for it outside would pin a connection.
    if (event.responseAction === null) await this.announce(event, changes.responseAction, manager);
    Object.assign(event, changes, { updatedAt: this.clock.now() });
    const { id, ...fields } = event;
    await this.repo(manager).update({ id }, fields as QueryDeepPartialEntity<SpotInterruptionEventEntity>);
    if (!['monitor', 'existing-replica', 'instance-replaced'].includes(changes.responseAction)) {
      await this.events.record(
        {
          eventType: `interruption.${changes.responseAction}`,
          component: COMPONENT,
          severity: changes.responseAction === 'queued' ? 'warning' : 'info',
          clientId: event.clientId,
          agentId: event.agentId,
          message: `${event.signalType} for ${event.instanceId}: ${changes.responseAction}${event.replicaId ? ` (replica ${event.replicaId})` : ''}`,
          metadata: { event_id: event.id, pool_id: event.poolId, replica_id: event.replicaId, command_id: event.commandId, failover_time_ms: event.failoverTimeMs },
        },
        manager,
      );
    }
    return event;
  }

  private async announce(event: SpotInterruptionEventEntity, action: ResponseAction, manager?: EntityManager): Promise<void> {
    const termination = event.signalType === 'termination-notice';
    await this.notifications.notify(
      {
        clientId: event.clientId,
        agentId: event.agentId,
        category: 'interruption',
        severity: termination ? 'critical' : 'warning',
        title: `${termination ? 'Spot termination notice' : 'Rebalance recommendation'} for ${event.instanceId}`,
        message: `AWS sent a ${event.signalType} for ${event.instanceId}${event.poolId ? ` in pool ${event.poolId}` : ''}; response: ${action}`,
        metadata: { event_id: event.id, instance_id: event.instanceId, response_action: action },
      },
      manager,
    );
  }

  /** An emergency-launched replica was promoted: its termination event's failover is complete. */
  private async completeEmergencyLaunch(result: PromotionResult, manager: EntityManager): Promise<void> {
    // Only an emergency launch's replica has such an event; a standby's promotion need not look.
    if (result.replica.replicaType !== 'automatic-termination') return;
    const event = await this.repo(manager).findOneBy({ replicaId: result.replica.id, responseAction: 'emergency-launch', failoverCompleted: false });
    if (!event) return;
    const now = this.clock.now();
    await this.repo(manager).update({ id: event.id }, { failoverCompleted: true, failoverTimeMs: now.getTime() - event.detectedAt.getTime(), success: true, updatedAt: now });
  }

  // ---------------------------------------------------------------- queue

  /**
   * Works through queued events, terminations before rebalances, oldest first, as far as the
   * limiter allows; the rest stay queued for the next run. Answers how many left the queue.
   */
  async drainQueue(): Promise<{ processed: number; stillQueued: number }> {
    const queued = await this.repo().find({ where: { responseAction: 'queued' }, order: { detectedAt: 'ASC', id: 'ASC' } });
    queued.sort((a, b) => QUEUE_PRIORITY[b.signalType] - QUEUE_PRIORITY[a.signalType]);
    let processed = 0;
    for (const event of queued) {
      const after = await this.respond(event, { forceReplica: true, replicaId: undefined }, performance.now());
      if (after.responseAction !== 'queued') processed += 1;
    }
    return { processed, stillQueued: queued.length - processed };
  }

  async get(agentId: string, eventId: string): Promise<SpotInterruptionEventEntity> {
    const event = await this.repo().findOneBy({ id: eventId, agentId });
    if (!event) throw DomainError.notFound('interruption event', eventId);
    return event;
  }
}
