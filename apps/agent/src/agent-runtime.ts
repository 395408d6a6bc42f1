import { randomUUID } from 'node:crypto';
import { AgentConfigDto } from '@spot/contracts';
import { StructuredLogger } from '@spot/core';
import { AgentSettings, InstanceIdentitySource } from './agent-settings';
import { AgentRole, ControlPlaneClient, ControlPlaneError } from './control-plane.client';

export const AGENT_VERSION = '0.1.0';

export interface Session {
  agentId: string;
  agentToken: string;
  config: AgentConfigDto;
  /**
   * replica: this process runs a standby of the logical agent (registered with its replica id);
   * retired: another instance runs the workload (this one only finishes its reports and goes).
   */
  role: AgentRole;
  /** Set with role retired: why, and when the control plane terminates this instance (null: it does not). */
  retiredReason?: string;
  terminateAt?: Date | null;
}

/**
 * The agent's session with the control plane: register (answering its role), heartbeat, fetch
 * the configuration again when its version changes, register again when the token is refused.
 * The loops that call it are SpotAgent's (agent-loops.ts, one back-off policy).
 */
export class AgentRuntime {
  private session: Session | undefined;
  /** Set on a replica's instance (from its user data): it registers as that replica. */
  replicaId: string | undefined;
  /** Told about every answer of the control plane (true) or a failure to reach it (false). */
  onContact: (ok: boolean) => void = () => undefined;

  constructor(
    private readonly settings: AgentSettings,
    private readonly identity: InstanceIdentitySource,
    private readonly client: ControlPlaneClient,
    private readonly logger: StructuredLogger,
  ) {}

  get current(): Readonly<Session> | undefined {
    return this.session;
  }

  /** The session, registering first when there is none. */
  async ensureSession(): Promise<Session> {
    return this.session ?? this.register();
  }

  /** A replica that was promoted carries on as the primary. */
  becomePrimary(): void {
    if (this.session) this.session.role = 'primary';
    // Registering again (e.g. after a token rotation) is now as the primary.
    this.replicaId = undefined;
  }

  async register(): Promise<Session> {
    const instance = await this.identity.read();
    const answer = await this.contact(() => this.client.register(this.settings.clientToken, {
      logical_agent_id: this.settings.logicalAgentId,
      instance_id: instance.instanceId,
      instance_type: instance.instanceType,
      region: instance.region,
      az: instance.az,
      mode: instance.mode,
      hostname: instance.hostname,
      agent_version: AGENT_VERSION,
      ...(this.replicaId ? { replica_id: this.replicaId } : {}),
    }));
    const role: AgentRole = answer.role === 'replica' || answer.role === 'retired' ? answer.role : 'primary';
    this.session = { agentId: answer.agent_id, agentToken: answer.agent_token, config: answer.config, role };
    // The control plane may make this instance a standby (a demoted old primary): it reports as that replica.
    if (role === 'replica' && answer.replica_id) this.replicaId = answer.replica_id;
    if (role === 'retired') {
      this.session.retiredReason = answer.retired_reason ?? 'another instance runs the workload';
      this.session.terminateAt = answer.terminate_at ? new Date(answer.terminate_at) : null;
    }
    this.log('REGISTER', 'SUCCESS', `${answer.created ? 'minted' : 'resumed'} agent ${answer.agent_id} on ${instance.instanceId} as ${role}`);
    return this.session;
  }

  /** A session kept from before a restart (a retired agent never registers again: that would move the workload back). */
  resume(session: Session): Session {
    this.session = { ...session };
    return this.session;
  }

  /** One heartbeat; returns the answer, or undefined when it had to register again instead. */
  async heartbeat(): Promise<{ configChanged: boolean; replaced: boolean; safeMode: boolean; currentInstanceId?: string | null } | undefined> {
    const session = this.session ?? (await this.register());
    const instance = await this.identity.read();
    try {
      const answer = await this.client.heartbeat(session.agentId, session.agentToken, { report_id: randomUUID(), instance_id: instance.instanceId, agent_version: AGENT_VERSION });
      this.onContact(true);
      const configChanged = answer.config_version !== session.config.config_version;
      if (configChanged) session.config = await this.client.getConfig(session.agentId, session.agentToken);
      const replaced = answer.current_instance_id !== null && answer.current_instance_id !== instance.instanceId;
      if (replaced && session.role === 'primary') this.log('HEARTBEAT', 'WARN', `this instance was replaced by ${answer.current_instance_id}`);
      return { configChanged, replaced, safeMode: answer.safe_mode === true, ...(session.role === 'replica' ? { currentInstanceId: answer.current_instance_id } : {}) };
    } catch (error) {
      if (error instanceof ControlPlaneError) this.onContact(!error.transient);
      if (error instanceof ControlPlaneError && (error.status === 401 || error.status === 404)) {
        this.log('HEARTBEAT', 'FAILURE', `${error.message}; registering again`);
        this.session = undefined;
        await this.register();
        return undefined;
      }
      throw error;
    }
  }

  private async contact<T>(call: () => Promise<T>): Promise<T> {
    try {
      const answer = await call();
      this.onContact(true);
      return answer;
    } catch (error) {
      if (error instanceof ControlPlaneError) this.onContact(!error.transient);
      throw error;
    }
  }

  private log(action: string, result: string, message: string): void {
    this.logger.event({ level: result === 'FAILURE' ? 'warn' : 'info', component: 'CORE-AGENT', action, result, message });
  }
}
