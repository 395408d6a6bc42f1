import { InstanceCatalog } from '@spot/catalog';
import { CloudProvider, ContinuityCloud } from '@spot/cloud';
import type { HookRunner } from '@spot/continuity';
import { Clock, StructuredLogger } from '@spot/core';
import { AgentOutbox } from './agent-outbox';
import { AgentRuntime } from './agent-runtime';
import { AgentSettings, InstanceIdentity, InstanceIdentitySource } from './agent-settings';
import { AgentStateStore } from './agent-state';
import { AgentRole, ControlPlaneClient } from './control-plane.client';
import { ImdsClient } from './imds-client';
import { ReportSender } from './report-sender';
import type { TrafficHandOver } from './use-cases/cut-over';

/** Timers as a port: real ones on an instance, a manual clock in tests, compressed time in the demo. */
export interface AgentTimers {
  sleep(ms: number): Promise<void>;
  /** Runs `work` after `ms`; the answer cancels it. */
  after(ms: number, work: () => void | Promise<unknown>): () => void;
}

export const REAL_TIMERS: AgentTimers = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  after: (ms, work) => {
    const timer = setTimeout(() => void work(), ms);
    return () => clearTimeout(timer);
  },
};

export interface SpotAgentPorts {
  settings: AgentSettings;
  imds: ImdsClient;
  identity: InstanceIdentitySource;
  client: ControlPlaneClient;
  cloud: CloudProvider;
  catalog: InstanceCatalog;
  clock: Clock;
  logger: StructuredLogger;
  timers?: AgentTimers;
  /**
   * Moves the workload's traffic and volumes in a switch or failover (issue 14). Default: the
   * continuity hand-over on `continuity` when given (it moves nothing without settings), else none.
   */
  trafficHandOver?: TrafficHandOver;
  /** ELBv2, EIP, Route 53, EBS and ENI calls (docs/continuity.md): the AWS adapter on EC2, the simulated one in tests. */
  continuity?: ContinuityCloud;
  /** Runs the workload's hooks (default: /bin/sh with a time limit). */
  hooks?: HookRunner;
  /** REPLICA_SYNC_INTERVAL in ms (default 300 s). */
  replicaSyncIntervalMs?: number;
  /** How often a cut-over looks (default 1 s). */
  cutoverPollMs?: number;
  /** Image and instance waits: how often to look, and for how long at most. */
  pollMs?: number;
  waitLimitMs?: number;
}

export const COMPONENT = 'CORE-AGENT';
/** The agent's own AMIs carry this tag (cleanup touches nothing else). */
export const AGENT_TAG = 'spot-optimizer:agent';

export const iso = (d: Date) => d.toISOString();
export const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * What the agent's use-cases share: its ports, its session, its report outbox and on-disk state,
 * and the few facts about this instance that every flow reads (role, safe mode, dying).
 */
export class AgentContext {
  role: AgentRole = 'primary';
  /** A termination notice was seen: only the failover's work runs from now on. */
  terminating = false;
  /** The termination notice's time (when AWS takes this instance). */
  terminationAt: Date | undefined;
  /** Emergency instances this (dying) agent launched: their own agents take the workload over (TakeOver). */
  readonly emergencyCopies = new Set<string>();
  /** This is an emergency instance (its user data): the instance it replaces and when AWS takes that one. */
  failover: { from: string; endsAt?: Date } | undefined;
  /** Seed 003 failure level 3: the control plane has been away too long. */
  safeMode = false;
  private instance: InstanceIdentity | undefined;
  private lastContactMs: number;
  /** Cancels of one-off timers (a scheduled self-termination), stopped at shutdown. */
  readonly pending = new Set<() => void>();
  readonly timers: AgentTimers;

  constructor(
    readonly ports: SpotAgentPorts,
    readonly runtime: AgentRuntime,
    readonly outbox: AgentOutbox,
    readonly sender: ReportSender,
    readonly state: AgentStateStore,
  ) {
    this.timers = ports.timers ?? REAL_TIMERS;
    this.lastContactMs = ports.clock.nowMs();
  }

  get settings(): AgentSettings {
    return this.ports.settings;
  }

  now(): Date {
    return this.ports.clock.now();
  }

  async identity(): Promise<InstanceIdentity> {
    this.instance ??= await this.ports.identity.read();
    return this.instance;
  }

  get instanceId(): string | undefined {
    return this.instance?.instanceId;
  }

  /** The role, kept on disk too: a restart must not forget that this instance was promoted or retired. */
  setRole(role: AgentRole, extra: { retiredReason?: string; promotedReplicaId?: string } = {}): void {
    this.role = role;
    this.state.update({ role, ...extra });
  }

  /** A one-off timer that shutdown cancels. */
  schedule(ms: number, work: () => Promise<unknown>): void {
    const cancel = this.timers.after(ms, () => {
      this.pending.delete(cancel);
      return work();
    });
    this.pending.add(cancel);
  }

  contact(ok: boolean): void {
    if (!ok) return;
    this.lastContactMs = this.ports.clock.nowMs();
    if (this.safeMode) {
      this.safeMode = false;
      this.log('SAFE-MODE', 'EXIT', 'control plane reachable again; normal operation');
    }
  }

  checkOutage(): void {
    const limitMs = (this.settings.safeModeAfterSeconds ?? 900) * 1000;
    if (!this.safeMode && this.ports.clock.nowMs() - this.lastContactMs >= limitMs) {
      this.safeMode = true;
      this.log('SAFE-MODE', 'ENTER', `control plane unreachable for ${Math.round(limitMs / 1000)}s: no risky moves, new launches on-demand only`);
    }
  }

  log(action: string, result: string, text: string, durationMs?: number): void {
    this.ports.logger.event({ level: result === 'FAILURE' ? 'warn' : 'info', component: COMPONENT, action, result, message: text, durationMs });
  }
}
