import { ContinuitySettings, validateContinuitySettings } from '@spot/continuity';
import { EntityManager } from 'typeorm';
import { Clock, DomainError, IdGenerator, Page, PageRequest } from '@spot/core';
import { AgentEntity, AgentStatus, InstanceEntity, SystemEventLog, TransactionRunner } from '@spot/persistence';
import { HeartbeatLedger } from './heartbeat-ledger';
import { ClientRepository } from '../clients/client.repository';
import { AgentPrincipal } from '../principal';
import { TokenService } from '../tokens/token.service';
import { AgentConfig, agentConfigOf, poolIdOf } from './agent-config';
import { newAgentRow } from './new-agent-row';
import { AgentSettingsChange, applySettingsChange } from './agent-settings';
import { AgentRepository } from './agent.repository';
import { InstanceFilter, InstanceRepository } from './instance.repository';

export interface AgentRegistration {
  logicalAgentId: string;
  instanceId: string;
  instanceType: string;
  region: string;
  az: string;
  mode: 'spot' | 'on-demand';
  hostname?: string;
  agentVersion?: string;
}

export interface RegistrationResult {
  agent: AgentEntity;
  agentToken: string;
  created: boolean;
  instanceChanged: boolean;
  config: AgentConfig;
  /**
   * primary: the agent now runs the workload on this instance. retired: this instance is one the
   * workload has left (a switch, failover or promotion moved it on); nothing was changed.
   */
  role: 'primary' | 'retired';
  /** Only when retired: why. */
  retiredReason: string | null;
  /** Only when retired: when the instance is to be terminated (null: it is not). */
  terminateAt: Date | null;
}

/** A registration from an instance the workload has left: answered without moving anything. */
interface RetiredOutcome {
  retired: true;
  agent: AgentEntity;
  instance: InstanceEntity;
}

interface PlacedOutcome {
  retired: false;
  agent: AgentEntity;
  created: boolean;
  instanceChanged: boolean;
}

export interface HeartbeatResult {
  agent: AgentEntity;
  serverTime: Date;
  /** The agent was offline until this heartbeat (health monitor notifies on the change). */
  cameOnline: boolean;
}

const COMPONENT = 'CORE-IDENTITY';
const EC2_INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** An instance the workload moves to (switch, failover, promotion), with what it costs. */
export interface InstancePlacement {
  instanceId: string;
  instanceType: string;
  region: string;
  az: string;
  mode: 'spot' | 'on-demand';
  spotPrice?: number | null;
  onDemandPrice?: number | null;
}

export interface InstanceMove {
  agent: AgentEntity;
  /** The instance the workload left (now inactive), if it had one. */
  previous: InstanceEntity | null;
  current: InstanceEntity;
}

/** Where the workload runs, as agents and instance records both store it. */
function placementOf(input: Pick<AgentRegistration, 'instanceType' | 'region' | 'az' | 'mode'>) {
  return {
    instanceType: input.instanceType,
    region: input.region,
    az: input.az,
    currentMode: input.mode,
    currentPoolId: poolIdOf(input.instanceType, input.az, input.mode),
  };
}

/**
 * Agent identity (seed 000): the first registration of a logical agent id mints the agent;
 * later registrations, from the same or a new instance, keep its id and move the instance
 * records along. Also the source of agent tokens and agent configuration.
 */
export class AgentRegistry {
  constructor(
    private readonly agents: AgentRepository,
    private readonly instances: InstanceRepository,
    private readonly clients: ClientRepository,
    private readonly tokens: TokenService,
    private readonly tx: TransactionRunner,
    private readonly events: SystemEventLog,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly heartbeats?: HeartbeatLedger,
  ) {}

  async register(clientId: string, input: AgentRegistration): Promise<RegistrationResult> {
    if (!input.az.startsWith(input.region)) {
      throw DomainError.invalid('AZ_NOT_IN_REGION', `az ${input.az} is not in region ${input.region}`, [
        { field: 'az', problems: [`az must be a zone of region ${input.region}, e.g. ${input.region}a`] },
      ]);
    }
    const outcome = await this.tx.run(async (manager): Promise<RetiredOutcome | PlacedOutcome> => {
      // Holding the client row serialises registrations of one client, so limits can't be raced.
      const client = await this.clients.findByIdForUpdate(clientId, manager);
      if (!client || !client.isActive) throw DomainError.unauthenticated('INVALID_CLIENT_TOKEN', 'Missing or invalid client token');
      const now = this.clock.now();

      let agent = await this.agents.findByLogicalId(clientId, input.logicalAgentId, manager);
      const created = !agent;
      if (!agent) {
        const count = await this.agents.countForClient(clientId, manager);
        if (count >= client.maxAgents) {
          throw DomainError.conflict(
            'AGENT_LIMIT_REACHED',
            `Client has reached its limit of ${client.maxAgents} agents (plan ${client.plan}); remove an agent or raise max_agents`,
            { max_agents: client.maxAgents, agents: count },
          );
        }
        agent = this.newAgent(clientId, input.logicalAgentId, now);
      }
      const previousInstanceId = agent.instanceId;
      const instanceChanged = !created && previousInstanceId !== input.instanceId;
      if (instanceChanged) {
        const left = await this.instanceTheWorkloadLeft(manager, agent, input.instanceId);
        if (left) {
          await this.events.record(
            {
              eventType: 'agent.retired_registration',
              component: COMPONENT,
              severity: 'warning',
              clientId,
              agentId: agent.id,
              message: `Agent ${input.logicalAgentId} registered from ${input.instanceId}, which the workload left for ${previousInstanceId}: answered retired`,
              metadata: { instance_id: input.instanceId, current_instance_id: previousInstanceId, terminate_after: left.terminateAfter?.toISOString() ?? null },
            },
            manager,
          );
          return { retired: true as const, agent, instance: left };
        }
      }

      Object.assign(agent, {
        hostname: input.hostname ?? agent.hostname,
        agentVersion: input.agentVersion ?? agent.agentVersion,
        instanceId: input.instanceId,
        ...placementOf(input),
        status: 'online' as AgentStatus,
        lastHeartbeatAt: now,
        updatedAt: now,
      });
      if (created) await this.agents.insert(agent, manager);
      else await this.agents.save(agent, manager);
      await this.placeInstance(manager, agent, previousInstanceId, input, now, client.maxInstances, {});

      await this.events.record(
        {
          eventType: created ? 'agent.registered' : instanceChanged ? 'agent.moved' : 'agent.reregistered',
          component: COMPONENT,
          clientId,
          agentId: agent.id,
          message: created
            ? `Agent ${input.logicalAgentId} registered on ${input.instanceId}`
            : instanceChanged
              ? `Agent ${input.logicalAgentId} moved from ${previousInstanceId ?? 'no instance'} to ${input.instanceId}`
              : `Agent ${input.logicalAgentId} registered again on ${input.instanceId}`,
          metadata: { instance_id: input.instanceId, previous_instance_id: previousInstanceId, instance_type: input.instanceType, az: input.az, mode: input.mode },
        },
        manager,
      );
      return { retired: false as const, agent, created, instanceChanged };
    });
    const credentials = { agentToken: this.tokens.issueAgentToken(outcome.agent), config: agentConfigOf(outcome.agent) };
    if (outcome.retired) {
      // The old instance's agent keeps a token for its reports during the terminate wait.
      return { agent: outcome.agent, ...credentials, created: false, instanceChanged: false, role: 'retired', retiredReason: 'instance-replaced', terminateAt: outcome.instance.terminateAfter };
    }
    return { agent: outcome.agent, created: outcome.created, instanceChanged: outcome.instanceChanged, ...credentials, role: 'primary', retiredReason: null, terminateAt: null };
  }

  /**
   * The control plane decides which instance is the primary: an instance of this agent that the
   * workload moved off (replaced_at) never takes it back by registering again, e.g. when its
   * agent restarts during the terminate wait after a switch (issue 13). Only when the agent's
   * current instance is known to be terminated may an older one take over.
   */
  private async instanceTheWorkloadLeft(manager: EntityManager, agent: AgentEntity, instanceId: string): Promise<InstanceEntity | null> {
    if (!agent.instanceId) return null;
    const record = await this.instances.findByInstanceId(agent.clientId, instanceId, manager);
    if (!record || record.agentId !== agent.id || record.isActive || (!record.replacedAt && !record.terminatedAt)) return null;
    const current = await this.instances.findByInstanceId(agent.clientId, agent.instanceId, manager);
    if (current?.terminatedAt) return null;
    return record;
  }

  /**
   * Points the agent at `input.instanceId`: reuses that instance's record if the client has one
   * (re-activating it, and taking it from another agent that claimed it), otherwise creates one
   * within the client's instance limit; the agent's previous instance stops being active.
   */
  private async placeInstance(
    manager: EntityManager,
    agent: AgentEntity,
    previousInstanceId: string | null,
    input: Pick<AgentRegistration, 'instanceId' | 'instanceType' | 'region' | 'az' | 'mode'>,
    now: Date,
    maxInstances: number,
    extra: Partial<Pick<InstanceEntity, 'spotPrice' | 'ondemandPrice' | 'lastSwitchAt'>>,
  ): Promise<{ previous: InstanceEntity | null; current: InstanceEntity }> {
    const previous =
      previousInstanceId && previousInstanceId !== input.instanceId
        ? await this.instances.findByInstanceId(agent.clientId, previousInstanceId, manager)
        : null;
    if (previous?.isActive) {
      // The pending termination is durable (issue 13): the leftover-termination job reads it.
      const terminateAfter = agent.autoTerminateEnabled && !previous.terminatedAt ? new Date(now.getTime() + agent.terminateWaitSeconds * 1000) : null;
      Object.assign(previous, { isActive: false, replacedAt: now, terminateAfter, updatedAt: now });
      await this.instances.save(previous, manager);
    }

    const existing = await this.instances.findByInstanceId(agent.clientId, input.instanceId, manager);
    if (existing) {
      if (existing.agentId && existing.agentId !== agent.id) await this.takeFromOtherAgent(manager, existing, agent, now);
      Object.assign(existing, {
        agentId: agent.id,
        ...placementOf(input),
        isActive: true,
        replacedAt: null,
        terminateAfter: null,
        ...extra,
        updatedAt: now,
      });
      await this.instances.save(existing, manager);
      return { previous, current: existing };
    }

    const active = await this.instances.countActive(agent.clientId, manager);
    if (active >= maxInstances) {
      throw DomainError.conflict(
        'INSTANCE_LIMIT_REACHED',
        `Client has reached its limit of ${maxInstances} active instances; retire one or raise max_instances`,
        { max_instances: maxInstances, active_instances: active },
      );
    }
    const instance: InstanceEntity = {
      id: this.ids.uuid(),
      instanceId: input.instanceId,
      clientId: agent.clientId,
      agentId: agent.id,
      ...placementOf(input),
      spotPrice: null,
      ondemandPrice: null,
      isActive: true,
      installedAt: now,
      lastSwitchAt: null,
      replacedAt: null,
      terminatedAt: null,
      terminateAfter: null,
      ...extra,
      createdAt: now,
      updatedAt: now,
    };
    await this.instances.insert(instance, manager);
    return { previous, current: instance };
  }

  /**
   * Moves the workload to another instance after a switch, failover or replica promotion: the
   * agent keeps its identity and now points at `placement`; its previous instance record becomes
   * inactive (replaced_at), the new one is created or re-activated with its prices and
   * last_switch_at. Runs in the caller's transaction when given one.
   */
  async moveToInstance(agentId: string, placement: InstancePlacement, at: Date, manager?: EntityManager): Promise<InstanceMove> {
    const work = async (m: EntityManager): Promise<InstanceMove> => {
      const agent = await this.agents.findById(agentId, m);
      if (!agent) throw DomainError.notFound('agent', agentId);
      const client = await this.clients.findById(agent.clientId, m);
      const previousInstanceId = agent.instanceId;
      Object.assign(agent, { instanceId: placement.instanceId, ...placementOf(placement), updatedAt: at });
      await this.agents.save(agent, m);
      const placed = await this.placeInstance(m, agent, previousInstanceId, placement, at, client?.maxInstances ?? Number.MAX_SAFE_INTEGER, {
        lastSwitchAt: at,
        spotPrice: placement.mode === 'spot' ? (placement.spotPrice ?? null) : null,
        ondemandPrice: placement.onDemandPrice ?? null,
      });
      await this.events.record(
        {
          eventType: 'agent.moved',
          component: COMPONENT,
          clientId: agent.clientId,
          agentId: agent.id,
          message: `Agent ${agent.logicalAgentId} moved from ${previousInstanceId ?? 'no instance'} to ${placement.instanceId} (${placement.mode})`,
          metadata: { instance_id: placement.instanceId, previous_instance_id: previousInstanceId, instance_type: placement.instanceType, az: placement.az, mode: placement.mode },
        },
        m,
      );
      return { agent, ...placed };
    };
    return manager ? work(manager) : this.tx.run(work);
  }

  /** The client's record of an AWS instance id, active or not. */
  findInstance(clientId: string, instanceId: string, manager?: EntityManager): Promise<InstanceEntity | null> {
    return this.instances.findByInstanceId(clientId, instanceId, manager);
  }

  /** An instance record by its own id (callers check it belongs to whoever asks). */
  findInstanceRecord(id: string): Promise<InstanceEntity | null> {
    return this.instances.findById(id);
  }

  /** Every instance record of the client, active or not: where its workloads ran and at what price. */
  placementHistory(clientId: string, manager?: EntityManager): Promise<InstanceEntity[]> {
    return this.instances.allForClient(clientId, manager);
  }

  /** Agents that are online and enabled: the ones the decision loop evaluates. */
  listOnlineAgents(): Promise<AgentEntity[]> {
    return this.agents.listOnlineEnabled();
  }

  /** The instance now reports under another logical id: the newest registration wins. */
  private async takeFromOtherAgent(manager: EntityManager, instance: InstanceEntity, agent: AgentEntity, now: Date): Promise<void> {
    const others = await this.agents.findOthersOnInstance(agent.clientId, instance.instanceId, agent.id, manager);
    for (const other of others) {
      Object.assign(other, { instanceId: null, status: 'offline' as AgentStatus, updatedAt: now });
      await this.agents.save(other, manager);
    }
    await this.events.record(
      {
        eventType: 'instance.reassigned',
        component: COMPONENT,
        severity: 'warning',
        clientId: agent.clientId,
        agentId: agent.id,
        message: `Instance ${instance.instanceId} now belongs to agent ${agent.logicalAgentId}${others.length ? ` (was ${others.map((o) => o.logicalAgentId).join(', ')})` : ''}`,
        metadata: { instance_id: instance.instanceId, previous_agent_id: instance.agentId },
      },
      manager,
    );
  }

  private newAgent(clientId: string, logicalAgentId: string, now: Date): AgentEntity {
    return newAgentRow({ id: this.ids.uuid(), clientId, logicalAgentId }, now);
  }

  /**
   * The agent an agent token speaks for, provided it names `agentId`. Another agent's id is
   * answered as not found, so a token reveals nothing about agents other than its own.
   */
  async authenticate(token: string, agentId: string): Promise<AgentPrincipal> {
    return (await this.authenticateAgent(token, agentId)).principal;
  }

  /**
   * The agent token's check, answering the agent too so the route need not read it again: one
   * query (agent and client joined) on every agent call.
   */
  async authenticateAgent(token: string, agentId: string): Promise<{ principal: AgentPrincipal; agent: AgentEntity }> {
    const claims = this.tokens.verifyAgentToken(token);
    if (claims.sub !== agentId) throw DomainError.notFound('agent', agentId);
    const found = await this.agents.findByIdWithClient(agentId);
    if (!found || found.clientId !== claims.cid || found.tokenVersion !== claims.tv) {
      throw DomainError.unauthenticated('INVALID_TOKEN', 'Agent token is no longer valid; register again');
    }
    const { client, ...agent } = found;
    if (!client?.isActive) throw DomainError.unauthenticated('INVALID_TOKEN', 'Agent token is no longer valid; the client is deactivated');
    return { principal: { kind: 'agent', agentId: agent.id, clientId: agent.clientId }, agent: agent as AgentEntity };
  }

  async heartbeat(agentId: string, input: { instanceId?: string; agentVersion?: string }): Promise<HeartbeatResult> {
    // The row as stored (not overlaid with the cached heartbeat): its time decides whether to write it.
    const agent = await this.agents.findById(agentId);
    if (!agent) throw DomainError.notFound('agent', agentId);
    const now = this.clock.now();
    // A replaced instance's agent keeps its token during terminate_wait: its heartbeat must not
    // mark the workload alive; it learns from current_instance_id that it has been replaced.
    if (input.instanceId && agent.instanceId && input.instanceId !== agent.instanceId) return { agent, serverTime: now, cameOnline: false };
    const cameOnline = agent.status !== 'online';
    await this.heartbeats?.record(agentId, now);
    // With Redis the row is written at most every couple of minutes (docs/architecture.md "Redis").
    const versionChanged = input.agentVersion !== undefined && input.agentVersion !== agent.agentVersion;
    if (!this.heartbeats || cameOnline || versionChanged || this.heartbeats.needsDatabaseWrite(agent.lastHeartbeatAt, now)) await this.agents.recordHeartbeat(agentId, now, input.agentVersion);
    if (cameOnline) {
      await this.events.record({
        eventType: 'agent.online',
        component: COMPONENT,
        clientId: agent.clientId,
        agentId,
        message: `Agent ${agent.logicalAgentId} is back online`,
      });
    }
    return { agent: { ...agent, status: 'online', lastHeartbeatAt: now, agentVersion: input.agentVersion ?? agent.agentVersion }, serverTime: now, cameOnline };
  }

  /**
   * Changes the agent's toggles (seed 004) under the seed-001 mutual-exclusion rule, bumps
   * config_version so the agent fetches them again, and records who changed what.
   */
  async updateSettings(agentId: string, change: AgentSettingsChange, changedBy: string): Promise<AgentConfig> {
    return this.tx.run(async (manager) => {
      const agent = await this.agents.findByIdForUpdate(agentId, manager);
      if (!agent) throw DomainError.notFound('agent', agentId);
      const next = applySettingsChange(agent, change);
      const now = this.clock.now();
      Object.assign(agent, next, { configVersion: agent.configVersion + 1, updatedAt: now });
      await this.agents.save(agent, manager);
      await this.events.record(
        {
          eventType: 'agent.config_changed',
          component: COMPONENT,
          clientId: agent.clientId,
          agentId,
          message: `Settings of agent ${agent.logicalAgentId} changed by ${changedBy}`,
          metadata: { changed_by: changedBy, ...next },
        },
        manager,
      );
      return agentConfigOf(agent);
    });
  }

  /**
   * Stores the agent's continuity settings (issue 14) after the checks that need no AWS call
   * (`validateContinuitySettings`: regions of the ARNs, zones of the volumes against the
   * instance's, formats, hook limits): a bad one is a 400 naming the field, nothing stored.
   * Null or an empty object clears them.
   */
  async updateContinuity(agentId: string, settings: ContinuitySettings | null, changedBy: string): Promise<AgentConfig> {
    return this.tx.run(async (manager) => {
      const agent = await this.agents.findByIdForUpdate(agentId, manager);
      if (!agent) throw DomainError.notFound('agent', agentId);
      const empty = !settings || Object.values(settings).every((v) => v === undefined);
      if (!empty) {
        if (!agent.region) throw DomainError.invalid('INVALID_CONTINUITY_SETTINGS', 'the agent has not registered an instance yet: its region is unknown', [{ field: 'region', problems: ['register the agent first'] }]);
        const problems = validateContinuitySettings(settings, { region: agent.region, ...(agent.az ? { az: agent.az } : {}) });
        if (problems.length) throw DomainError.invalid('INVALID_CONTINUITY_SETTINGS', `Invalid continuity settings: ${problems.map((p) => p.problems.join(', ')).join('; ')}`, problems);
      }
      const now = this.clock.now();
      Object.assign(agent, { continuitySettings: empty ? null : JSON.stringify(settings), configVersion: agent.configVersion + 1, updatedAt: now });
      await this.agents.save(agent, manager);
      await this.events.record(
        { eventType: 'agent.config_changed', component: COMPONENT, clientId: agent.clientId, agentId, message: `Continuity settings of agent ${agent.logicalAgentId} changed by ${changedBy}`, metadata: { changed_by: changedBy, continuity: empty ? null : settings } },
        manager,
      );
      return agentConfigOf(agent);
    });
  }

  /** The instance was really terminated (the agent's switch report says when): its record turns terminated. */
  async markInstanceTerminated(clientId: string, instanceId: string, at: Date, manager?: EntityManager): Promise<void> {
    const instance = await this.instances.findByInstanceId(clientId, instanceId, manager);
    if (!instance || instance.terminatedAt) return;
    await this.instances.save({ ...instance, terminatedAt: at, isActive: false, replacedAt: instance.replacedAt ?? at, updatedAt: this.clock.now() }, manager);
  }

  /** Marks agents silent since before `cutoff` offline and answers them (the health monitor notifies). */
  async markSilentAgentsOffline(cutoff: Date): Promise<AgentEntity[]> {
    const candidates = await this.agents.findOnlineSilentSince(cutoff);
    const now = this.clock.now();
    const marked: AgentEntity[] = [];
    // A heartbeat newer than the row (throttled database write) keeps the agent online: the row catches up.
    const cached = this.heartbeats ? await this.heartbeats.latest(candidates.map((a) => a.id)) : new Map<string, Date>();
    const silent: AgentEntity[] = [];
    for (const agent of candidates) {
      const at = cached.get(agent.id);
      if (at && at >= cutoff) await this.agents.recordHeartbeat(agent.id, at);
      else silent.push(agent);
    }
    for (const agent of silent) {
      // Conditional on still being online and silent, so a heartbeat racing the monitor wins.
      if (!(await this.agents.markOfflineIfSilent(agent.id, cutoff, now))) continue;
      marked.push({ ...agent, status: 'offline', updatedAt: now });
      await this.events.record({
        eventType: 'agent.offline',
        component: COMPONENT,
        severity: 'warning',
        clientId: agent.clientId,
        agentId: agent.id,
        message: `Agent ${agent.logicalAgentId} went offline: no heartbeat since ${agent.lastHeartbeatAt?.toISOString() ?? 'registration'}`,
      });
    }
    return marked;
  }

  /**
   * A replica's agent (seed 001: primary and replica both report) gets a token of the logical
   * agent without moving it: the agent keeps its instance until the replica is promoted.
   */
  async replicaCredentials(clientId: string, logicalAgentId: string): Promise<{ agent: AgentEntity; agentToken: string; config: AgentConfig }> {
    const agent = await this.agents.findByLogicalId(clientId, logicalAgentId);
    if (!agent) throw DomainError.notFound('agent', logicalAgentId);
    return { agent, agentToken: this.tokens.issueAgentToken(agent), config: agentConfigOf(agent) };
  }

  /** Replaced instances whose terminate wait ended by `cutoff` and that still run as far as we know. */
  instancesPendingTermination(cutoff: Date, limit = 200): Promise<InstanceEntity[]> {
    return this.instances.findPendingTerminationDue(cutoff, limit);
  }

  /**
   * Settles an instance's pending termination: terminated at `terminatedAt`, or (null) not to be
   * terminated after all (it stands by as a replica, or termination was given up). Only while
   * the instance is still inactive: a workload that moved back onto it keeps it.
   */
  async settlePendingTermination(instanceRecordId: string, terminatedAt: Date | null, manager?: EntityManager): Promise<boolean> {
    const work = async (m: EntityManager) => {
      const instance = await this.instances.findByIdIn(instanceRecordId, m);
      if (!instance || instance.isActive) return false;
      Object.assign(instance, { terminateAfter: null, updatedAt: this.clock.now(), ...(terminatedAt ? { terminatedAt } : {}) });
      await this.instances.save(instance, m);
      return true;
    };
    return manager ? work(manager) : this.tx.run(work);
  }

  /** The client's agent of a logical id, or null. */
  findByLogicalId(clientId: string, logicalAgentId: string): Promise<AgentEntity | null> {
    return this.agents.findByLogicalId(clientId, logicalAgentId);
  }

  /** The agent's active instance record (its launch time is the instance age for risk scoring). */
  currentInstance(agent: AgentEntity): Promise<InstanceEntity | null> {
    if (!agent.instanceId) return Promise.resolve(null);
    return this.instances.findByInstanceId(agent.clientId, agent.instanceId);
  }

  /** Holds the agent row until the transaction ends: serialises replica changes of one agent. */
  async lockForUpdate(agentId: string, manager: EntityManager): Promise<AgentEntity> {
    const agent = await this.agents.findByIdForUpdate(agentId, manager);
    if (!agent) throw DomainError.notFound('agent', agentId);
    return agent;
  }

  /** Keeps agents.replica_count / current_replica_id in step with the replicas lib. */
  async recordReplicaState(agentId: string, state: { replicaCount: number; currentReplicaId: string | null; lastFailoverAt?: Date }, manager?: EntityManager): Promise<void> {
    await this.agents.updateFields(agentId, { ...state, updatedAt: this.clock.now() }, manager);
  }

  /** Agents in manual replica mode (the replica coordinator keeps one standby for each). */
  agentsInManualReplicaMode(): Promise<AgentEntity[]> {
    return this.agents.findManualReplicaMode();
  }

  /**
   * The settings a command's execution depends on, as payload fields (issue 13: a command
   * carries them, so the agent never acts on a terminate wait it has not fetched yet).
   */
  async settingsForCommands(agentId: string): Promise<{ terminate_wait_seconds: number; auto_terminate_enabled: boolean }> {
    const agent = await this.getAgent(agentId);
    return { terminate_wait_seconds: agent.terminateWaitSeconds, auto_terminate_enabled: agent.autoTerminateEnabled };
  }

  async getConfig(agentId: string): Promise<AgentConfig> {
    return agentConfigOf(await this.getAgent(agentId));
  }

  /** Whether a bearer token is an agent token (so a guard knows which check applies). */
  isAgentToken(token: string): boolean {
    return this.tokens.looksLikeAgentToken(token);
  }

  /** The agent, or null (guards answer 404 either way). */
  findAgent(agentId: string): Promise<AgentEntity | null> {
    return this.agents.findById(agentId);
  }

  async getAgent(agentId: string): Promise<AgentEntity> {
    const agent = await this.agents.findById(agentId);
    if (!agent) throw DomainError.notFound('agent', agentId);
    return this.heartbeats ? (await this.heartbeats.overlay([agent]))[0] : agent;
  }

  /** One of the client's instances by its record id; another client's instance is not found. */
  async getInstance(clientId: string, id: string): Promise<InstanceEntity> {
    const instance = await this.instances.findById(id);
    if (!instance || instance.clientId !== clientId) throw DomainError.notFound('instance', id);
    return instance;
  }

  /**
   * One of the client's instances by its record id or by its EC2 instance id (`i-…`), as the
   * portal and integrations know either (issue 13). Another client's instance is not found.
   */
  async getInstanceByAnyId(clientId: string, id: string): Promise<InstanceEntity> {
    if (!EC2_INSTANCE_ID.test(id)) return this.getInstance(clientId, id);
    const instance = await this.instances.findByInstanceId(clientId, id);
    if (!instance) throw DomainError.notFound('instance', id);
    return instance;
  }

  async listAgents(clientId: string, status: AgentStatus | undefined, page: PageRequest): Promise<Page<AgentEntity>> {
    const found = await this.agents.pageForClient(clientId, status, page);
    return this.heartbeats ? { ...found, items: await this.heartbeats.overlay(found.items) } : found;
  }

  listInstances(clientId: string, filter: InstanceFilter, page: PageRequest): Promise<Page<InstanceEntity>> {
    return this.instances.pageForClient(clientId, filter, page);
  }
}
