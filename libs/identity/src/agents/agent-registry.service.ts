import { EntityManager } from 'typeorm';
import { Clock, DomainError, IdGenerator, Page, PageRequest } from '@spot/core';
import { AgentEntity, AgentStatus, InstanceEntity, SystemEventLog, TransactionRunner } from '@spot/persistence';
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
}

export interface HeartbeatResult {
  agent: AgentEntity;
  serverTime: Date;
  /** The agent was offline until this heartbeat (health monitor notifies on the change). */
  cameOnline: boolean;
}

const COMPONENT = 'CORE-IDENTITY';

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
  ) {}

  async register(clientId: string, input: AgentRegistration): Promise<RegistrationResult> {
    if (!input.az.startsWith(input.region)) {
      throw DomainError.invalid('AZ_NOT_IN_REGION', `az ${input.az} is not in region ${input.region}`, [
        { field: 'az', problems: [`az must be a zone of region ${input.region}, e.g. ${input.region}a`] },
      ]);
    }
    const outcome = await this.tx.run(async (manager) => {
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
      return { agent, created, instanceChanged };
    });
    return { ...outcome, agentToken: this.tokens.issueAgentToken(outcome.agent), config: agentConfigOf(outcome.agent) };
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
      Object.assign(previous, { isActive: false, replacedAt: now, updatedAt: now });
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
    const agent = await this.getAgent(agentId);
    const now = this.clock.now();
    // A replaced instance's agent keeps its token during terminate_wait: its heartbeat must not
    // mark the workload alive; it learns from current_instance_id that it has been replaced.
    if (input.instanceId && agent.instanceId && input.instanceId !== agent.instanceId) return { agent, serverTime: now, cameOnline: false };
    const cameOnline = agent.status !== 'online';
    await this.agents.recordHeartbeat(agentId, now, input.agentVersion);
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

  /** Marks agents silent since before `cutoff` offline and answers them (the health monitor notifies). */
  async markSilentAgentsOffline(cutoff: Date): Promise<AgentEntity[]> {
    const silent = await this.agents.findOnlineSilentSince(cutoff);
    const now = this.clock.now();
    const marked: AgentEntity[] = [];
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

  /**
   * Holds the agent's client row, then the agent row, until the transaction ends. For work that
   * ends up updating the client (a failover's switch refreshes total_savings): taking the client
   * first keeps concurrent failovers of one client from deadlocking on it (on MySQL, inserting
   * rows that reference the client share-locks it, and two sharers cannot both upgrade).
   */
  async lockWithClient(agentId: string, manager: EntityManager): Promise<AgentEntity> {
    const known = await this.agents.findById(agentId, manager);
    if (!known) throw DomainError.notFound('agent', agentId);
    await this.clients.findByIdForUpdate(known.clientId, manager);
    return this.lockForUpdate(agentId, manager);
  }

  /** Keeps agents.replica_count / current_replica_id in step with the replicas lib. */
  async recordReplicaState(agentId: string, state: { replicaCount: number; currentReplicaId: string | null; lastFailoverAt?: Date }, manager?: EntityManager): Promise<void> {
    await this.agents.updateFields(agentId, { ...state, updatedAt: this.clock.now() }, manager);
  }

  /** Agents in manual replica mode (the replica coordinator keeps one standby for each). */
  agentsInManualReplicaMode(): Promise<AgentEntity[]> {
    return this.agents.findManualReplicaMode();
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
    return agent;
  }

  /** One of the client's instances by its record id; another client's instance is not found. */
  async getInstance(clientId: string, id: string): Promise<InstanceEntity> {
    const instance = await this.instances.findById(id);
    if (!instance || instance.clientId !== clientId) throw DomainError.notFound('instance', id);
    return instance;
  }

  listAgents(clientId: string, status: AgentStatus | undefined, page: PageRequest): Promise<Page<AgentEntity>> {
    return this.agents.pageForClient(clientId, status, page);
  }

  listInstances(clientId: string, filter: InstanceFilter, page: PageRequest): Promise<Page<InstanceEntity>> {
    return this.instances.pageForClient(clientId, filter, page);
  }
}
