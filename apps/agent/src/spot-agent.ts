import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { CommandDto } from '@spot/contracts';
import { AgentContext, AgentTimers, message, REAL_TIMERS, SpotAgentPorts } from './agent-context';
import { AgentLoops } from './agent-loops';
import { AgentOutbox } from './agent-outbox';
import { AgentRuntime, Session } from './agent-runtime';
import { AgentStateStore } from './agent-state';
import { AgentRole } from './control-plane.client';
import { ReportQueue } from './report-queue';
import { FlushOutcome, ReportSender } from './report-sender';
import { CommandExecutor } from './use-cases/command-executor';
import { CutOver } from './use-cases/cut-over';
import { ImageCleanup } from './use-cases/image-cleanup';
import { InterruptionHandling } from './use-cases/interruption-handling';
import { LaunchReplica } from './use-cases/replica-launch';
import { ReplicaSync } from './use-cases/replica-sync';
import { SelfTermination } from './use-cases/self-termination';
import { StepBack } from './use-cases/step-back';
import { SwitchWorkload } from './use-cases/switch-workload';
import { ContinuityHandOver, NO_TRAFFIC_HAND_OVER, TrafficHandOver } from './use-cases/continuity-hand-over';
import { agentSleeper, hookRunnerOf } from './use-cases/agent-sleeper';
import { FAILOVER_ENDS_AT, FAILOVER_FROM } from './use-cases/replica-launch';
import { TakeOver } from './use-cases/take-over';

export { REAL_TIMERS } from './agent-context';
export type { AgentTimers, SpotAgentPorts } from './agent-context';

/** How many similar types the pricing report covers besides the instance's own. */
const SIMILAR_TYPES = 12;
/** Seed 004 SYNC_UPDATE_INTERVAL. */
const SYNC_SECONDS = 10;
/** Notices are read at least this often, whatever the configuration says (a 2-minute notice). */
const MAX_NOTICE_POLL_SECONDS = 5;

/**
 * The agent on one EC2 instance (seed 000 Agent layer, seed 001 Agent component): registers,
 * then heartbeat (60 s), pricing report (60 s), command poll (30 s) and interruption monitor
 * (≤ 5 s). The flows are use-case classes (use-cases/): switch, cut-over, replica launch and
 * sync, step-back, interruption handling, cleanup, self-termination; this class boots the agent,
 * keeps its role (on disk too) and runs the loops.
 */
export class SpotAgent {
  readonly runtime: AgentRuntime;
  readonly queue: ReportQueue;
  readonly sender: ReportSender;
  private readonly ctx: AgentContext;
  private readonly outbox: AgentOutbox;
  private readonly state: AgentStateStore;
  private readonly commands: CommandExecutor;
  private readonly interruptions: InterruptionHandling;
  private readonly replicaSync: ReplicaSync;
  private readonly cleanup: ImageCleanup;
  private readonly selfTermination: SelfTermination;
  private readonly takeOver: TakeOver;
  private readonly timers: AgentTimers;
  private loops: AgentLoops | undefined;

  constructor(private readonly ports: SpotAgentPorts) {
    this.timers = ports.timers ?? REAL_TIMERS;
    this.runtime = new AgentRuntime(ports.settings, ports.identity, ports.client, ports.logger);
    this.runtime.onContact = (ok) => this.ctx.contact(ok);
    const dir = ports.settings.stateDir ?? join(process.cwd(), 'data', 'agent');
    const name = ports.settings.logicalAgentId.replace(/[^A-Za-z0-9._-]/g, '_');
    this.queue = new ReportQueue(join(dir, `reports-${name}.jsonl`), randomUUID);
    this.state = new AgentStateStore(join(dir, `state-${name}.json`));
    this.outbox = new AgentOutbox(this.queue);
    this.sender = new ReportSender(
      this.queue,
      ports.client,
      async () => this.runtime.ensureSession(),
      async () => {
        // A retired instance never registers again: that would move the workload back to it.
        if (this.ctx.role !== 'retired') await this.runtime.register();
      },
      ports.logger,
      (ok) => this.ctx.contact(ok),
    );
    this.ctx = new AgentContext(ports, this.runtime, this.outbox, this.sender, this.state);
    const cutOver = new CutOver(this.ctx, ports.trafficHandOver ?? this.defaultHandOver());
    this.selfTermination = new SelfTermination(this.ctx);
    this.cleanup = new ImageCleanup(this.ctx);
    this.replicaSync = new ReplicaSync(this.ctx);
    this.commands = new CommandExecutor(this.ctx, {
      switchWorkload: new SwitchWorkload(this.ctx, cutOver, this.selfTermination),
      launchReplica: new LaunchReplica(this.ctx, cutOver),
      stepBack: new StepBack(this.ctx, this.selfTermination, cutOver),
      cleanup: this.cleanup,
    });
    this.interruptions = new InterruptionHandling(this.ctx, this.commands, cutOver);
    this.takeOver = new TakeOver(this.ctx, cutOver);
    if (ports.settings.dryRun) {
      ports.cloud.setSafeMode(true);
      ports.continuity?.setSafeMode(true);
    }
  }

  /** The continuity hand-over on the agent's ContinuityCloud (it moves nothing without settings); none without one. */
  private defaultHandOver(): TrafficHandOver {
    const { continuity } = this.ports;
    if (!continuity) return NO_TRAFFIC_HAND_OVER;
    return new ContinuityHandOver({ continuity, instances: this.ports.cloud, clock: this.ports.clock, sleeper: agentSleeper(this.ctx), hooks: hookRunnerOf(this.ctx), pollMs: this.ports.cutoverPollMs, logger: this.ports.logger });
  }

  get currentRole(): AgentRole {
    return this.ctx.role;
  }

  get inSafeMode(): boolean {
    return this.ctx.safeMode;
  }

  /** Every AWS change is a DryRun: SAFE_MODE in this agent's settings, or the global one the control plane announces. */
  get dryRunOnly(): boolean {
    return this.ports.cloud.safeMode;
  }

  /**
   * The global SAFE_MODE a super-admin sets (answered in every heartbeat): while on, every AWS
   * change is a DryRun; off again, the agent's own SAFE_MODE setting decides.
   */
  private followGlobalSafeMode(on: boolean): void {
    const wanted = on || this.ports.settings.dryRun === true;
    if (this.ports.cloud.safeMode === wanted) return;
    this.ports.cloud.setSafeMode(wanted);
    this.log('SAFE-MODE', on ? 'ENTER' : 'EXIT', on ? 'the control plane set SAFE_MODE: every AWS change is a DryRun' : 'the control plane cleared SAFE_MODE: AWS changes run again');
  }

  get instanceId(): string | undefined {
    return this.ctx.instanceId;
  }

  /** The termination this (old) instance has promised itself, if any (kept on disk). */
  get pendingTermination(): { instanceId: string; at: string } | undefined {
    return this.selfTermination.pending;
  }

  /**
   * Reads the instance from IMDS and its state from disk, then registers: as a replica when its
   * user data names one it has not been promoted from. A retired instance does not register
   * again (that would take the workload back); it keeps its promised termination and delivers
   * what is still queued.
   */
  async boot(): Promise<Session> {
    const instance = await this.ctx.identity();
    const stored = this.state.load(instance.instanceId);
    for (const id of stored.emergencyCopies ?? []) this.ctx.emergencyCopies.add(id);
    if (stored.role === 'retired' && stored.session) {
      this.ctx.role = 'retired';
      const session = this.runtime.resume({ ...stored.session, role: 'retired', retiredReason: stored.retiredReason });
      this.log('BOOT', 'SUCCESS', `retired on ${instance.instanceId} (${stored.retiredReason ?? 'another instance runs the workload'}): not taking the workload back`);
      this.selfTermination.resume();
      await this.sender.flush();
      return session;
    }
    const userData = await this.ports.imds.userData().catch(() => undefined);
    const replicaId = /^SPOT_REPLICA_ID=([0-9a-f-]{36})\s*$/m.exec(userData ?? '')?.[1];
    const failoverFrom = new RegExp(`^${FAILOVER_FROM}=(i-[0-9a-f]+)\\s*$`, 'm').exec(userData ?? '')?.[1];
    const failoverEndsAt = new RegExp(`^${FAILOVER_ENDS_AT}=(\\S+)\\s*$`, 'm').exec(userData ?? '')?.[1];
    if (failoverFrom) this.ctx.failover = { from: failoverFrom, ...(failoverEndsAt && !Number.isNaN(Date.parse(failoverEndsAt)) ? { endsAt: new Date(failoverEndsAt) } : {}) };
    // A promoted replica's user data still names its replica: it registers as the primary it is now.
    if (replicaId && stored.promotedReplicaId !== replicaId) this.runtime.replicaId = replicaId;
    const session = await this.runtime.register();
    this.state.update({ session: { agentId: session.agentId, agentToken: session.agentToken, config: session.config } });
    if (session.role === 'retired') {
      this.ctx.setRole('retired', { retiredReason: session.retiredReason });
      this.log('RETIRED', 'SUCCESS', `${session.retiredReason}: this instance does not take the workload back`);
      if (session.terminateAt && !this.selfTermination.resume()) this.selfTermination.scheduleAt(instance.instanceId, session.terminateAt);
      else if (!session.terminateAt) this.selfTermination.resume();
    } else {
      if (session.role === 'primary' && this.runtime.replicaId) this.runtime.becomePrimary();
      this.ctx.setRole(session.role, session.role === 'primary' && replicaId ? { promotedReplicaId: replicaId } : {});
    }
    this.log('BOOT', 'SUCCESS', `${this.ctx.role} on ${instance.instanceId} (${instance.mode} ${instance.instanceType} ${instance.az})`);
    await this.sender.flush();
    await this.takeOver.runIfDue();
    return session;
  }

  // ------------------------------------------------------------------ loops

  /** Starts the loops on the configured cadence (the control plane's unless overridden); a retired agent only flushes its queue. */
  start(): void {
    this.loops?.stop();
    const loops = new AgentLoops(
      this.timers,
      () => this.ports.client.health(),
      (name, error, delayMs) => this.log(name, 'FAILURE', `${message(error)}; next try in ${Math.round(delayMs / 1000)}s`),
    );
    this.loops = loops;
    if (this.ctx.role === 'retired') {
      // No heartbeat, pricing or commands (the workload runs elsewhere): only what is still queued goes out.
      this.log('START', 'RETIRED', `no loops but the report flush${this.pendingTermination ? `; terminating ${this.pendingTermination.instanceId} at ${this.pendingTermination.at}` : ''}`);
      loops.every('FLUSH', () => 60, async () => (this.queue.size ? this.sender.flush() : undefined), { backoff: 'none', firstAfterSeconds: 60 });
      return;
    }
    const seconds = (name: 'heartbeat' | 'pricing' | 'commands' | 'interruptions', fromConfig: (s: Session) => number, fallback: number) => () =>
      this.ports.settings.intervals?.[name] ?? (this.runtime.current ? fromConfig(this.runtime.current) : fallback);
    const controlPlane = { backoff: 'control-plane' } as const;
    loops.every('HEARTBEAT', seconds('heartbeat', (s) => s.config.intervals.heartbeat_seconds, 60), () => this.heartbeatOnce(), controlPlane);
    loops.every('PRICING', seconds('pricing', (s) => s.config.intervals.pricing_report_seconds, 60), () => this.reportPricesOnce(), controlPlane);
    loops.every('COMMANDS', seconds('commands', (s) => s.config.intervals.command_poll_seconds, 30), () => this.pollCommandsOnce(), controlPlane);
    const notices = seconds('interruptions', (s) => s.config.intervals.interruption_poll_seconds, MAX_NOTICE_POLL_SECONDS);
    loops.every('INTERRUPTIONS', () => Math.min(notices(), MAX_NOTICE_POLL_SECONDS), () => this.checkInterruptionsOnce(), { backoff: 'none' });
    loops.every('SYNC', () => SYNC_SECONDS, () => this.replicaSync.advance(), controlPlane);
    const cleanup = this.ports.settings.cleanup;
    if (cleanup && cleanup.intervalHours > 0) loops.every('CLEANUP', () => cleanup.intervalHours * 3600, () => this.cleanupOnce(), { ...controlPlane, firstAfterSeconds: cleanup.intervalHours * 3600 });
  }

  /** The agent's own retention pass (seed 001 "automatic cleanup with retention policies"), primaries only. */
  cleanupOnce(): Promise<Record<string, unknown> | undefined> {
    return this.cleanup.runOwnPass();
  }

  /** Graceful shutdown: loops stop, running work is left to finish, the queue gets a last flush. */
  async shutdown(flushWithinMs = 10_000): Promise<FlushOutcome | undefined> {
    this.loops?.stop();
    this.loops = undefined;
    for (const cancel of [...this.ctx.pending]) cancel();
    this.ctx.pending.clear();
    let cancelTimeout = () => undefined as void;
    const timeout = new Promise<undefined>((resolve) => (cancelTimeout = this.timers.after(flushWithinMs, () => resolve(undefined))));
    const flushed = await Promise.race([this.sender.flush(), timeout]);
    cancelTimeout();
    this.log('SHUTDOWN', 'SUCCESS', `stopped; ${this.queue.size} report(s) kept on disk for the next start`);
    return flushed;
  }

  // ------------------------------------------------------------------ one round of each loop

  async heartbeatOnce(): Promise<void> {
    this.ctx.checkOutage();
    if (this.ctx.role === 'retired') {
      // Another instance runs the workload: no heartbeat (registering again would move it back here).
      await this.sender.flush();
      return;
    }
    const beat = await this.runtime.heartbeat();
    if (!beat) {
      const role = this.runtime.current?.role;
      if (role && role !== this.ctx.role) this.ctx.setRole(role);
      return;
    }
    this.followGlobalSafeMode(beat.safeMode);
    if (this.ctx.role === 'replica' && beat.currentInstanceId === this.ctx.instanceId) {
      const promotedReplicaId = this.runtime.replicaId;
      this.runtime.becomePrimary();
      this.ctx.setRole('primary', { promotedReplicaId });
      this.log('PROMOTED', 'SUCCESS', `this replica is the primary now; resuming pricing and commands`);
      // An emergency instance moves the traffic and volumes of the dying one onto itself.
      await this.takeOver.runIfDue();
    } else if (this.ctx.role === 'primary' && beat.replaced) {
      this.ctx.setRole('retired', { retiredReason: 'another instance runs the workload' });
      this.log('RETIRED', 'SUCCESS', 'another instance runs the workload now; this one only finishes its reports');
    }
    await this.sender.flush();
  }

  /** Prices of every pool of this type and similar types in the region, plus on-demand. */
  async reportPricesOnce(): Promise<FlushOutcome | undefined> {
    if (this.ctx.terminating || this.ctx.role === 'retired') return undefined;
    const instance = await this.ctx.identity();
    const { catalog, cloud } = this.ports;
    const types = [instance.instanceType, ...catalog.similarTypes(instance.instanceType, instance.region).map((t) => t.name)];
    const prices = await cloud.currentSpotPrices({ instanceTypes: [...new Set(types)].slice(0, SIMILAR_TYPES + 1) });
    if (!prices.length) return undefined;
    const observedAt = this.ctx.now().toISOString();
    this.outbox.add('pricing-report', {
      instance_id: instance.instanceId,
      observations: prices.map((p) => ({
        instance_type: p.instanceType,
        az: p.az,
        spot_price: p.price,
        on_demand_price: catalog.onDemandPrice(instance.region, p.instanceType) ?? null,
        observed_at: observedAt,
      })),
    });
    return this.sender.flush();
  }

  /** Claims and executes the agent's commands (primaries only: a standby waits for its promotion). */
  pollCommandsOnce(): Promise<CommandDto[]> {
    return this.commands.pollOnce();
  }

  /** IMDS notices: a rebalance recommendation is reported once; a termination notice starts Scenario 3. */
  checkInterruptionsOnce(): Promise<void> {
    return this.interruptions.checkOnce();
  }

  /** A standby reports its state transfer; 100 % makes it ready to be promoted. */
  reportSyncOnce(progress: number, latencyMs = 0): Promise<void> {
    return this.replicaSync.report(progress, latencyMs);
  }

  /** One round of the SYNC loop: a standby's snapshot sync of the data volumes (docs/continuity.md), its progress reported. */
  syncReplicaOnce(): Promise<void> {
    return this.replicaSync.advance();
  }

  execute(command: CommandDto): Promise<void> {
    return this.commands.execute(command);
  }

  private log(action: string, result: string, text: string): void {
    this.ctx.log(action, result, text);
  }
}
