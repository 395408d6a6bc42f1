import { randomUUID } from 'node:crypto';
import { AgentConfigDto } from '@spot/contracts';
import { StructuredLogger } from '@spot/core';
import { AgentSettings, InstanceIdentitySource } from './agent-settings';
import { ControlPlaneClient, ControlPlaneError } from './control-plane.client';

export const AGENT_VERSION = '0.1.0';

export interface Session {
  agentId: string;
  agentToken: string;
  config: AgentConfigDto;
  /** replica: this process runs a standby of the logical agent (registered with its replica id). */
  role: 'primary' | 'replica';
}

/**
 * The agent's lifecycle so far: register (with back-off while the control plane is away), then
 * heartbeat on the cadence the control plane sets, fetching the configuration again when its
 * version changes and registering again when the token is refused.
 */
export class AgentRuntime {
  private session: Session | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
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
    const role = (answer as { role?: string }).role === 'replica' ? 'replica' : 'primary';
    this.session = { agentId: answer.agent_id, agentToken: answer.agent_token, config: answer.config, role };
    this.log('REGISTER', 'SUCCESS', `${answer.created ? 'minted' : 'resumed'} agent ${answer.agent_id} on ${instance.instanceId}`);
    return this.session;
  }

  /** One heartbeat; returns the answer, or undefined when it had to register again instead. */
  async heartbeat(): Promise<{ configChanged: boolean; replaced: boolean; currentInstanceId?: string | null } | undefined> {
    const session = this.session ?? (await this.register());
    const instance = await this.identity.read();
    try {
      const answer = await this.client.heartbeat(session.agentId, session.agentToken, { report_id: randomUUID(), instance_id: instance.instanceId, agent_version: AGENT_VERSION });
      this.onContact(true);
      const configChanged = answer.config_version !== session.config.config_version;
      if (configChanged) session.config = await this.client.getConfig(session.agentId, session.agentToken);
      const replaced = answer.current_instance_id !== null && answer.current_instance_id !== instance.instanceId;
      if (replaced && session.role === 'primary') this.log('HEARTBEAT', 'WARN', `this instance was replaced by ${answer.current_instance_id}`);
      return { configChanged, replaced, ...(session.role === 'replica' ? { currentInstanceId: answer.current_instance_id } : {}) };
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

  /** Starts the loops; keeps retrying with back-off (up to a minute) while the control plane is unreachable. */
  start(): void {
    this.stopped = false;
    const loop = async (failures: number) => {
      if (this.stopped) return;
      let delayMs: number;
      try {
        await this.heartbeat();
        delayMs = (this.session?.config.intervals.heartbeat_seconds ?? 60) * 1000;
        failures = 0;
      } catch (error) {
        failures += 1;
        delayMs = Math.min(60_000, 1000 * 2 ** Math.min(failures, 6));
        this.log('HEARTBEAT', 'FAILURE', `${error instanceof Error ? error.message : String(error)}; retrying in ${Math.round(delayMs / 1000)}s`);
      }
      if (!this.stopped) this.timer = setTimeout(() => void loop(failures), delayMs);
    };
    void loop(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
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
