import { Clock, DomainError } from '@spot/core';
import { AgentConfig, AgentRegistration, AgentRegistry } from '@spot/identity';
import { ReplicaService } from './replica-service';

/** What a registering agent is told it is, with the logical agent's credentials. */
export interface RoleRegistration {
  agentId: string;
  agentToken: string;
  created: boolean;
  instanceChanged: boolean;
  config: AgentConfig;
  role: 'primary' | 'replica' | 'retired';
  replicaId: string | null;
  retiredReason: string | null;
  terminateAt: Date | null;
}

/**
 * Agent registration answered with the agent's *current* role (issue 13), decided here and not
 * by what the instance's user data says:
 * - a replica's agent registers as that replica while the replica is live; once the replica was
 *   promoted its agent (whose user data still carries SPOT_REPLICA_ID) is the primary;
 *   a replica that ended answers retired;
 * - an instance the workload left answers retired (AgentRegistry), unless it stands by as a live
 *   replica (a demoted old primary), which answers replica;
 * - otherwise the agent registers as the primary (AgentRegistry.register).
 */
export class AgentRoleRegistration {
  constructor(
    private readonly registry: AgentRegistry,
    private readonly replicas: ReplicaService,
    private readonly clock: Clock,
  ) {}

  async register(clientId: string, input: AgentRegistration, replicaId?: string): Promise<RoleRegistration> {
    if (replicaId) return this.registerReplicaAgent(clientId, input, replicaId);
    const standby = await this.standbyOn(clientId, input);
    if (standby) return standby;
    const result = await this.registry.register(clientId, input);
    return {
      agentId: result.agent.id,
      agentToken: result.agentToken,
      created: result.created,
      instanceChanged: result.instanceChanged,
      config: result.config,
      role: result.role,
      replicaId: null,
      retiredReason: result.retiredReason,
      terminateAt: result.terminateAt,
    };
  }

  private async registerReplicaAgent(clientId: string, input: AgentRegistration, replicaId: string): Promise<RoleRegistration> {
    const { agent, agentToken, config } = await this.registry.replicaCredentials(clientId, input.logicalAgentId);
    const replica = await this.replicas.find(agent.id, replicaId);
    if (!replica) throw DomainError.notFound('replica', replicaId);
    if (replica.status === 'promoted' && replica.instanceId === input.instanceId) {
      // Promoted: this instance runs the workload now (or ran it, and AgentRegistry says retired).
      return this.register(clientId, input);
    }
    const credentials = { agentId: agent.id, agentToken, created: false, instanceChanged: false, config, replicaId };
    // An ended replica's instance has no reason to run: its agent is told to end it now (the
    // control plane has also asked the primary's agent to, when it knew the instance).
    if (!replica.isActive) return { ...credentials, role: 'retired', retiredReason: 'replica-ended', terminateAt: this.clock.now() };
    await this.replicas.attachReplicaAgent(agent.id, replicaId, input.instanceId);
    return { ...credentials, role: 'replica', retiredReason: null, terminateAt: null };
  }

  /** The instance registering without a replica id stands by as a live replica (a demoted old primary). */
  private async standbyOn(clientId: string, input: AgentRegistration): Promise<RoleRegistration | null> {
    const agent = await this.registry.findByLogicalId(clientId, input.logicalAgentId);
    if (!agent || agent.instanceId === input.instanceId) return null;
    const replica = (await this.replicas.live(agent.id)).find((r) => r.instanceId === input.instanceId);
    if (!replica) return null;
    const { agentToken, config } = await this.registry.replicaCredentials(clientId, input.logicalAgentId);
    return { agentId: agent.id, agentToken, created: false, instanceChanged: false, config, role: 'replica', replicaId: replica.id, retiredReason: null, terminateAt: null };
  }
}
