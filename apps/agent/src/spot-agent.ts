import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { InstanceCatalog } from '@spot/catalog';
import { CloudProvider, cleanUpImages, InstanceDescription, LaunchRequest } from '@spot/cloud';
import type { CommandDto } from '@spot/contracts';
import { Clock, StructuredLogger } from '@spot/core';
import { AgentRuntime, Session } from './agent-runtime';
import { AgentSettings, InstanceIdentity, InstanceIdentitySource } from './agent-settings';
import { ControlPlaneClient, ControlPlaneError } from './control-plane.client';
import { ImdsClient, InstanceAction } from './imds-client';
import { ReportQueue } from './report-queue';
import { FlushOutcome, ReportSender } from './report-sender';

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
  /** Image and instance waits: how often to look, and for how long at most. */
  pollMs?: number;
  waitLimitMs?: number;
}

type Role = 'primary' | 'replica' | 'retired';

const COMPONENT = 'CORE-AGENT';
/** How many similar types the pricing report covers besides the instance's own. */
const SIMILAR_TYPES = 12;
/** The agent's own AMIs carry this tag (cleanup touches nothing else). */
const AGENT_TAG = 'spot-optimizer:agent';

/** What still runs on an instance AWS is taking back: the failover itself. */
const FAILOVER_COMMANDS = new Set(['emergency-launch', 'promote-replica', 'launch-replica']);

const iso = (d: Date) => d.toISOString();
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The agent on one EC2 instance (seed 000 Agent layer, seed 001 Agent component): registers,
 * then heartbeat (60 s), pricing report (60 s), command poll (30 s) and interruption monitor
 * (5 s); executes the control plane's commands on the cloud (CORE-EXEC); on a termination notice
 * follows seed 004 Scenario 3; keeps its reports in an on-disk queue while the control plane is
 * away, and after a long outage enters safe mode (seed 003 level 3).
 */
export class SpotAgent {
  readonly runtime: AgentRuntime;
  readonly queue: ReportQueue;
  readonly sender: ReportSender;
  private readonly timers: AgentTimers;
  private role: Role = 'primary';
  private instance: InstanceIdentity | undefined;
  private lastContactMs: number;
  private safeMode = false;
  private terminating = false;
  private readonly seenNotices = new Set<string>();
  private readonly loops: Array<() => void> = [];
  private readonly pending = new Set<() => void>();
  private stopped = true;

  constructor(private readonly ports: SpotAgentPorts) {
    this.timers = ports.timers ?? REAL_TIMERS;
    this.runtime = new AgentRuntime(ports.settings, ports.identity, ports.client, ports.logger);
    this.runtime.onContact = (ok) => this.contact(ok);
    const dir = ports.settings.stateDir ?? join(process.cwd(), 'data', 'agent');
    this.queue = new ReportQueue(join(dir, `reports-${ports.settings.logicalAgentId.replace(/[^A-Za-z0-9._-]/g, '_')}.jsonl`), randomUUID);
    this.sender = new ReportSender(
      this.queue,
      ports.client,
      async () => this.runtime.ensureSession(),
      async () => {
        // A retired instance never registers again: that would move the workload back to it.
        if (this.role !== 'retired') await this.runtime.register();
      },
      ports.logger,
      (ok) => this.contact(ok),
    );
    this.lastContactMs = ports.clock.nowMs();
    if (ports.settings.dryRun) ports.cloud.setSafeMode(true);
  }

  get currentRole(): Role {
    return this.role;
  }

  get inSafeMode(): boolean {
    return this.safeMode;
  }

  get instanceId(): string | undefined {
    return this.instance?.instanceId;
  }

  /** Reads the instance from IMDS (a replica id in its user data makes it a replica) and registers. */
  async boot(): Promise<Session> {
    this.instance = await this.ports.identity.read();
    const userData = await this.ports.imds.userData().catch(() => undefined);
    const replicaId = /^SPOT_REPLICA_ID=([0-9a-f-]{36})\s*$/m.exec(userData ?? '')?.[1];
    if (replicaId) this.runtime.replicaId = replicaId;
    const session = await this.runtime.register();
    this.role = session.role;
    this.log('BOOT', 'SUCCESS', `${this.role} on ${this.instance.instanceId} (${this.instance.mode} ${this.instance.instanceType} ${this.instance.az})`);
    await this.sender.flush();
    return session;
  }

  // ------------------------------------------------------------------ loops

  /** Starts the four loops on the configured cadence (the control plane's unless overridden). */
  start(): void {
    this.stopped = false;
    const seconds = (name: 'heartbeat' | 'pricing' | 'commands' | 'interruptions', fromConfig: (s: Session) => number, fallback: number) => () =>
      this.ports.settings.intervals?.[name] ?? (this.runtime.current ? fromConfig(this.runtime.current) : fallback);
    this.every('HEARTBEAT', seconds('heartbeat', (s) => s.config.intervals.heartbeat_seconds, 60), () => this.heartbeatOnce());
    this.every('PRICING', seconds('pricing', (s) => s.config.intervals.pricing_report_seconds, 60), () => this.reportPricesOnce());
    this.every('COMMANDS', seconds('commands', (s) => s.config.intervals.command_poll_seconds, 30), () => this.pollCommandsOnce());
    this.every('INTERRUPTIONS', seconds('interruptions', (s) => s.config.intervals.interruption_poll_seconds, 5), () => this.checkInterruptionsOnce());
    // A standby reports its state transfer every 10 s (seed 004 SYNC_UPDATE_INTERVAL) until it is ready.
    this.every('SYNC', () => 10, () => this.advanceSync());
    const cleanup = this.ports.settings.cleanup;
    if (cleanup && cleanup.intervalHours > 0) this.every('CLEANUP', () => cleanup.intervalHours * 3600, () => this.cleanupOnce(), cleanup.intervalHours * 3600);
  }

  /** The agent's own retention pass (seed 001 "automatic cleanup with retention policies"), primaries only. */
  async cleanupOnce(): Promise<Record<string, unknown> | undefined> {
    if (this.role !== 'primary' || this.terminating || this.safeMode) return undefined;
    const result = await this.executeCleanup({ retention_days: this.ports.settings.cleanup?.retentionDays ?? 7, keep_latest: 2 });
    await this.sender.flush();
    return result;
  }

  private syncProgress = 0;

  private async advanceSync(): Promise<void> {
    if (this.role !== 'replica' || this.syncProgress >= 100) return;
    this.syncProgress = Math.min(100, this.syncProgress + 50);
    await this.reportSyncOnce(this.syncProgress, 40);
  }

  /** Graceful shutdown: loops stop, running work is left to finish, the queue gets a last flush. */
  async shutdown(flushWithinMs = 10_000): Promise<FlushOutcome | undefined> {
    this.stopped = true;
    for (const cancel of this.loops.splice(0)) cancel();
    for (const cancel of [...this.pending]) cancel();
    this.pending.clear();
    let cancelTimeout = () => undefined as void;
    const timeout = new Promise<undefined>((resolve) => (cancelTimeout = this.timers.after(flushWithinMs, () => resolve(undefined))));
    const flushed = await Promise.race([this.sender.flush(), timeout]);
    cancelTimeout();
    this.log('SHUTDOWN', 'SUCCESS', `stopped; ${this.queue.size} report(s) kept on disk for the next start`);
    return flushed;
  }

  private every(name: string, intervalSeconds: () => number, work: () => Promise<unknown>, firstAfterSeconds = 0): void {
    let failures = 0;
    const run = async () => {
      if (this.stopped) return;
      let delayMs = intervalSeconds() * 1000;
      try {
        await work();
        failures = 0;
      } catch (error) {
        failures += 1;
        // Exponential back-off while the control plane is away, never slower than a minute.
        delayMs = Math.max(delayMs, Math.min(60_000, 1000 * 2 ** Math.min(failures, 6)));
        this.log(name, 'FAILURE', `${message(error)}; next try in ${Math.round(delayMs / 1000)}s`);
      }
      if (!this.stopped) this.loops.push(this.timers.after(delayMs, run));
    };
    this.loops.push(this.timers.after(firstAfterSeconds * 1000, run));
  }

  // ------------------------------------------------------------------ one round of each loop

  async heartbeatOnce(): Promise<void> {
    this.checkOutage();
    if (this.role === 'retired') {
      // Another instance runs the workload: no heartbeat (registering again would move it back here).
      await this.sender.flush();
      return;
    }
    const beat = await this.runtime.heartbeat();
    if (!beat) {
      this.role = this.runtime.current?.role ?? this.role;
      return;
    }
    if (this.role === 'replica' && beat.currentInstanceId === this.instance?.instanceId) {
      this.runtime.becomePrimary();
      this.role = 'primary';
      this.log('PROMOTED', 'SUCCESS', `this replica is the primary now; resuming pricing and commands`);
    } else if (this.role === 'primary' && beat.replaced) {
      this.role = 'retired';
      this.log('RETIRED', 'SUCCESS', 'another instance runs the workload now; this one only finishes its reports');
    }
    await this.sender.flush();
  }

  /** Prices of every pool of this type and similar types in the region, plus on-demand. */
  async reportPricesOnce(): Promise<FlushOutcome | undefined> {
    if (this.terminating || this.role === 'retired') return undefined;
    const instance = await this.identity();
    const types = [instance.instanceType, ...this.ports.catalog.similarTypes(instance.instanceType, instance.region).map((t) => t.name)];
    const prices = await this.ports.cloud.currentSpotPrices({ instanceTypes: [...new Set(types)].slice(0, SIMILAR_TYPES + 1) });
    if (!prices.length) return undefined;
    const observedAt = iso(this.ports.clock.now());
    this.queue.enqueue('pricing-report', 'POST', '/api/agents/{agent}/pricing-report', {
      instance_id: instance.instanceId,
      observations: prices.map((p) => ({
        instance_type: p.instanceType,
        az: p.az,
        spot_price: p.price,
        on_demand_price: this.ports.catalog.onDemandPrice(instance.region, p.instanceType) ?? null,
        observed_at: observedAt,
      })),
    });
    return this.sender.flush();
  }

  /**
   * Claims and executes the agent's commands (primaries only: a standby waits for its promotion).
   * After a termination notice only the failover's own commands run; the rest are refused.
   */
  async pollCommandsOnce(): Promise<CommandDto[]> {
    if (this.role !== 'primary') return [];
    const session = await this.runtime.ensureSession();
    let answer;
    try {
      answer = await this.ports.client.pendingCommands(session.agentId, session.agentToken);
      this.contact(true);
    } catch (error) {
      if (error instanceof ControlPlaneError) this.contact(!error.transient);
      if (error instanceof ControlPlaneError && (error.status === 401 || error.status === 404)) {
        await this.runtime.register();
        return [];
      }
      throw error;
    }
    for (const command of answer.commands) {
      if (this.terminating && !FAILOVER_COMMANDS.has(command.command_type)) await this.refuse(command, 'this instance is being taken back by AWS (termination notice)');
      else await this.execute(command);
    }
    return answer.commands;
  }

  /** IMDS notices (every 5 s): a rebalance recommendation is reported once; a termination notice starts Scenario 3. */
  async checkInterruptionsOnce(): Promise<void> {
    this.checkOutage();
    const instance = await this.identity();
    const action = await this.ports.imds.instanceAction();
    if (action) {
      await this.onTerminationNotice(instance, action);
      return;
    }
    const rebalance = await this.ports.imds.rebalanceRecommendation();
    if (rebalance && this.firstSight(`rebalance:${rebalance.noticeTime.toISOString()}`)) {
      // Seed 004 Scenario 2: the control plane scores the risk (replica above 0.30), unless this
      // workload is set to take a replica on every recommendation.
      const route = this.ports.settings.rebalanceAlwaysReplica && this.role === 'primary' ? 'create-emergency-replica' : 'rebalance-recommendation';
      this.log('REBALANCE', 'DETECTED', `rebalance recommendation at ${rebalance.noticeTime.toISOString()}: ${route}`);
      this.queue.enqueue(
        route,
        'POST',
        `/api/agents/{agent}/${route}`,
        { instance_id: instance.instanceId, notice_time: iso(rebalance.noticeTime), reported_by: this.role === 'replica' ? 'replica' : 'primary' },
        `rebalance:${instance.instanceId}:${rebalance.noticeTime.toISOString()}`,
      );
      await this.sender.flush();
    }
  }

  /** A standby reports its state transfer; 100 % makes it ready to be promoted. */
  async reportSyncOnce(progress: number, latencyMs = 0): Promise<void> {
    const replicaId = this.runtime.replicaId;
    if (this.role !== 'replica' || !replicaId) return;
    this.queue.enqueue('replica-sync', 'POST', `/api/agents/{agent}/replicas/${replicaId}/sync-status`, { report_id: randomUUID(), progress, latency_ms: latencyMs, sync_status: progress >= 100 ? 'synced' : 'syncing' });
    await this.sender.flush();
  }

  // ------------------------------------------------------------------ Scenario 3

  /**
   * Seed 004 Scenario 3: stop non-critical work (pricing, commands), hand the state to the
   * replica, ask for the failover (termination-imminent), flush what is still queued. In safe
   * mode, with the control plane gone, the agent launches its own on-demand replacement.
   */
  private async onTerminationNotice(instance: InstanceIdentity, action: InstanceAction): Promise<void> {
    if (!this.firstSight(`action:${action.time.toISOString()}`)) return;
    this.terminating = true;
    this.log('TERMINATION-NOTICE', 'DETECTED', `${action.action} at ${action.time.toISOString()}: stopping pricing and commands`);
    if (this.role === 'replica') {
      this.queue.enqueue('termination', 'POST', '/api/agents/{agent}/termination', { instance_id: instance.instanceId, action: action.action, termination_time: iso(action.time), reported_by: 'replica' }, `termination:${instance.instanceId}:${iso(action.time)}`);
      await this.sender.flush();
      return;
    }
    if (this.safeMode) {
      await this.safeModeFailover(instance, action);
      return;
    }
    this.log('STATE-TRANSFER', 'SUCCESS', 'state frozen and handed to the replica (if any)');
    this.queue.enqueue(
      'termination-imminent',
      'POST',
      '/api/agents/{agent}/termination-imminent',
      { instance_id: instance.instanceId, action: action.action, termination_time: iso(action.time) },
      `termination:${instance.instanceId}:${iso(action.time)}`,
    );
    const flushed = await this.sender.flush();
    // Without a ready replica the control plane answers with an emergency launch: run it now.
    await this.pollCommandsOnce().catch((error) => this.log('EMERGENCY-COMMANDS', 'FAILURE', message(error)));
    this.log('FLUSH', flushed.remaining ? 'PARTIAL' : 'SUCCESS', `final flush: ${this.queue.size} report(s) left on disk`);
  }

  /** Level 3: nobody to ask, so an on-demand copy of this instance is launched before AWS takes it. */
  private async safeModeFailover(instance: InstanceIdentity, action: InstanceAction): Promise<void> {
    this.log('SAFE-MODE-FAILOVER', 'STARTED', `control plane unreachable; launching an on-demand replacement before ${action.time.toISOString()}`);
    const initiatedAt = this.ports.clock.now();
    try {
      const moved = await this.moveTo(instance, { mode: 'on-demand', instanceType: instance.instanceType, az: instance.az }, `safe-mode-${instance.instanceId}`, 'safe-mode-failover');
      if (!moved) return;
      this.queue.enqueue('switch-report', 'POST', '/api/agents/{agent}/switch-report', {
        report_id: randomUUID(),
        old_instance_id: instance.instanceId,
        new_instance_id: moved.instance.instanceId,
        mode: 'on-demand',
        instance_type: instance.instanceType,
        az: instance.az,
        trigger: 'safe-mode-failover',
        success: true,
        initiated_at: iso(initiatedAt),
        ami_created_at: iso(moved.imageReadyAt),
        instance_launched_at: iso(moved.launchedAt),
        instance_ready_at: iso(moved.readyAt),
      }, `safe-mode-switch:${instance.instanceId}`);
      this.role = 'retired';
    } catch (error) {
      this.log('SAFE-MODE-FAILOVER', 'FAILURE', message(error));
    }
    await this.sender.flush();
  }

  // ------------------------------------------------------------------ commands (CORE-EXEC)

  private async refuse(command: CommandDto, reason: string): Promise<void> {
    const now = iso(this.ports.clock.now());
    this.queue.enqueue('command-executed', 'POST', `/api/agents/{agent}/commands/${command.id}/executed`, { report_id: randomUUID(), success: false, error_message: reason, started_at: now, completed_at: now }, `executed:${command.id}`);
    await this.sender.flush();
  }

  async execute(command: CommandDto): Promise<void> {
    const startedAt = this.ports.clock.now();
    const payload = (command.payload ?? {}) as Record<string, unknown>;
    this.log('EXECUTE', 'STARTED', `${command.command_type} ${command.id}`);
    let result: Record<string, unknown> = {};
    let error: string | undefined;
    try {
      switch (command.command_type) {
        case 'switch':
          result = await this.executeSwitch(command, payload, startedAt);
          break;
        case 'launch-replica':
        case 'emergency-launch':
          result = await this.executeReplicaLaunch(command, payload);
          break;
        case 'promote-replica':
          result = await this.executePromotion(payload);
          break;
        case 'terminate-instance':
          result = await this.executeTermination(payload);
          break;
        case 'cleanup':
          result = await this.executeCleanup(payload);
          break;
        default:
          throw new Error(`unknown command type ${command.command_type}`);
      }
    } catch (failure) {
      error = message(failure);
    }
    const completedAt = this.ports.clock.now();
    this.log('EXECUTE', error ? 'FAILURE' : 'SUCCESS', `${command.command_type} ${command.id}${error ? `: ${error}` : ''}`, completedAt.getTime() - startedAt.getTime());
    this.queue.enqueue(
      'command-executed',
      'POST',
      `/api/agents/{agent}/commands/${command.id}/executed`,
      {
        report_id: randomUUID(),
        success: !error,
        result,
        ...(error ? { error_message: error.slice(0, 2000) } : {}),
        duration_ms: completedAt.getTime() - startedAt.getTime(),
        started_at: iso(startedAt),
        completed_at: iso(completedAt),
      },
      `executed:${command.id}`,
    );
    await this.sender.flush();
  }

  /**
   * Switch (seed 001 Switch Executor): AMI of this instance → launch in the target pool (or
   * on-demand; on-demand only in safe mode) → wait until running → switch-report → terminate this
   * instance after `terminate_wait_seconds` when auto-terminate is on.
   */
  private async executeSwitch(command: CommandDto, payload: Record<string, unknown>, initiatedAt: Date): Promise<Record<string, unknown>> {
    const instance = await this.identity();
    const session = await this.runtime.ensureSession();
    const wanted = payload.mode === 'spot' ? 'spot' : 'on-demand';
    const mode = this.safeMode ? 'on-demand' : wanted;
    const target = { mode, instanceType: String(payload.instance_type ?? instance.instanceType), az: String(payload.az ?? instance.az) } as const;
    const oldPrice = await this.priceOf(instance.mode, instance.instanceType, instance.az, instance.region);
    let moved;
    try {
      moved = await this.moveTo(instance, target, command.id, `switch-${command.id.slice(0, 8)}`);
    } catch (error) {
      this.queue.enqueue('switch-report', 'POST', '/api/agents/{agent}/switch-report', {
        report_id: randomUUID(),
        command_id: command.id,
        old_instance_id: instance.instanceId,
        new_instance_id: instance.instanceId,
        mode: target.mode,
        instance_type: target.instanceType,
        az: target.az,
        success: false,
        error_message: message(error).slice(0, 2000),
        initiated_at: iso(initiatedAt),
      }, `switch:${command.id}`);
      throw error;
    }
    if (!moved) return { dry_run: true, would_execute: this.lastWouldExecute };
    const price = await this.priceOf(target.mode, target.instanceType, target.az, instance.region);
    const onDemand = this.ports.catalog.onDemandPrice(instance.region, target.instanceType);
    this.queue.enqueue('switch-report', 'POST', '/api/agents/{agent}/switch-report', {
      report_id: randomUUID(),
      command_id: command.id,
      old_instance_id: instance.instanceId,
      new_instance_id: moved.instance.instanceId,
      mode: target.mode,
      ...(target.mode === 'spot' ? { pool_id: `${target.instanceType}.${target.az}` } : {}),
      instance_type: target.instanceType,
      az: target.az,
      ...(price !== undefined ? { price } : {}),
      ...(onDemand !== undefined ? { on_demand_price: onDemand } : {}),
      ...(oldPrice !== undefined ? { old_price: oldPrice } : {}),
      success: true,
      initiated_at: iso(initiatedAt),
      ami_created_at: iso(moved.imageReadyAt),
      instance_launched_at: iso(moved.launchedAt),
      instance_ready_at: iso(moved.readyAt),
    }, `switch:${command.id}`);
    this.role = 'retired';
    const config = session.config;
    const wait = config.terminate_wait_seconds;
    if (config.auto_terminate_enabled && wait > 0 && !this.safeMode) {
      this.terminateSelfAfter(wait * 1000, instance.instanceId);
    }
    return { new_instance_id: moved.instance.instanceId, image_id: moved.imageId, mode: target.mode, downgraded_to_on_demand: mode !== wanted, terminate_after_seconds: config.auto_terminate_enabled ? wait : null };
  }

  /** A replica (launch-replica) or the emergency replacement after a notice without one (emergency-launch). */
  private async executeReplicaLaunch(command: CommandDto, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const instance = await this.identity();
    const replicaId = String(payload.replica_id ?? '');
    if (!/^[0-9a-f-]{36}$/.test(replicaId)) throw new Error('the command names no replica_id');
    const wanted = payload.mode === 'spot' || (payload.mode === undefined && payload.pool_id) ? 'spot' : 'on-demand';
    const mode = this.safeMode ? 'on-demand' : wanted;
    const moved = await this.moveTo(
      instance,
      { mode, instanceType: String(payload.instance_type ?? instance.instanceType), az: String(payload.az ?? instance.az) },
      command.id,
      `replica-${replicaId.slice(0, 8)}`,
      `SPOT_REPLICA_ID=${replicaId}\n`,
      false,
    );
    if (!moved) return { dry_run: true, would_execute: this.lastWouldExecute };
    this.queue.enqueue('replica-instance', 'PUT', `/api/agents/{agent}/replicas/${replicaId}`, { instance_id: moved.instance.instanceId }, `replica-instance:${replicaId}`);
    return { replica_id: replicaId, instance_id: moved.instance.instanceId, image_id: moved.imageId, mode };
  }

  /** The control plane moved the workload onto a replica: this old primary steps back (and goes, with auto-terminate). */
  private async executePromotion(payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const instance = await this.identity();
    const isOld = payload.old_instance_id === instance.instanceId;
    if (isOld && !this.terminating) {
      this.role = 'retired';
      const config = (await this.runtime.ensureSession()).config;
      if (!payload.demote_old_primary && config.auto_terminate_enabled && config.terminate_wait_seconds > 0 && !this.safeMode) {
        this.terminateSelfAfter(config.terminate_wait_seconds * 1000, instance.instanceId);
      }
    }
    return { acknowledged_by: instance.instanceId, new_primary: payload.new_instance_id ?? null, stepped_back: isOld };
  }

  private async executeTermination(payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const target = String(payload.instance_id ?? '');
    if (!/^i-[0-9a-f]+$/.test(target)) throw new Error('the command names no instance_id');
    if (this.safeMode) throw new Error('safe mode: terminations wait until the control plane is back');
    const done = await this.ports.cloud.terminateInstances([target]);
    if (done.dryRun) return { dry_run: true, would_execute: done.wouldExecute };
    return { terminated: target, state: done.value[0]?.state ?? null };
  }

  /** AMIs and snapshots of this agent past retention (seed 001 Cleanup Manager), reported to cleanup-report. */
  private async executeCleanup(payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const retentionDays = Number(payload.retention_days ?? 7);
    const keepLatest = Number(payload.keep_latest ?? 2);
    const startedAt = this.ports.clock.now();
    let outcome;
    let failure: string | undefined;
    try {
      outcome = await cleanUpImages(this.ports.cloud, { tags: { [AGENT_TAG]: this.ports.settings.logicalAgentId }, keepLatest, retentionDays, now: startedAt });
      if (outcome.failures.length) failure = outcome.failures.map((f) => `${f.resource}: ${f.message}`).join('; ');
    } catch (error) {
      failure = message(error);
    }
    const reportId = randomUUID();
    this.queue.enqueue('cleanup-report', 'POST', '/api/agents/{agent}/cleanup-report', {
      report_id: reportId,
      cleanup_type: 'full',
      amis_deleted: outcome?.dryRun ? 0 : (outcome?.images.length ?? 0),
      snapshots_deleted: outcome?.dryRun ? 0 : (outcome?.snapshots.length ?? 0),
      retention_days: retentionDays,
      success: !failure,
      ...(failure ? { error_message: failure.slice(0, 2000) } : {}),
      details: { images: outcome?.images ?? [], snapshots: outcome?.snapshots ?? [], dry_run: outcome?.dryRun ?? false, keep_latest: keepLatest },
      started_at: iso(startedAt),
      completed_at: iso(this.ports.clock.now()),
    }, `cleanup:${reportId}`);
    if (failure && !outcome) throw new Error(failure);
    return { report_id: reportId, images: outcome?.images ?? [], snapshots: outcome?.snapshots ?? [], dry_run: outcome?.dryRun ?? false };
  }

  // ------------------------------------------------------------------ cloud steps

  private lastWouldExecute: string[] = [];

  /**
   * Image of this instance → launch (idempotent by `clientToken`) → wait until running. Answers
   * undefined in safe mode (DryRun): nothing was changed.
   */
  private async moveTo(
    instance: InstanceIdentity,
    target: { mode: 'spot' | 'on-demand'; instanceType: string; az: string },
    clientToken: string,
    imageName: string,
    userData?: string,
    waitUntilRunning = true,
  ): Promise<{ instance: InstanceDescription; imageId: string; imageReadyAt: Date; launchedAt: Date; readyAt: Date } | undefined> {
    this.lastWouldExecute = [];
    const tags = { [AGENT_TAG]: this.ports.settings.logicalAgentId, 'spot-optimizer:source': instance.instanceId };
    const image = await this.ports.cloud.createImage({ instanceId: instance.instanceId, name: `spot-${this.ports.settings.logicalAgentId.replace(/[^A-Za-z0-9._-]/g, '-')}-${imageName}`, tags, noReboot: true });
    if (image.dryRun) {
      this.lastWouldExecute.push(image.wouldExecute);
      const launch = await this.ports.cloud.launchInstance(this.launchRequest(target, instance.imageId ?? 'ami-00000000', clientToken, tags, userData));
      if (launch.dryRun) this.lastWouldExecute.push(launch.wouldExecute);
      return undefined;
    }
    await this.waitFor('image', async () => (await this.ports.cloud.describeImages({ imageIds: [image.value.imageId] }))[0]?.state === 'available');
    const imageReadyAt = this.ports.clock.now();
    const launched = await this.ports.cloud.launchInstance(this.launchRequest(target, image.value.imageId, clientToken, tags, userData));
    if (launched.dryRun) return undefined;
    const launchedAt = this.ports.clock.now();
    let described = launched.value;
    if (waitUntilRunning) {
      await this.waitFor('instance', async () => {
        described = (await this.ports.cloud.describeInstances([launched.value.instanceId]))[0];
        if (described?.state === 'terminated' || described?.state === 'shutting-down') throw new Error(`new instance ${launched.value.instanceId} is ${described.state}`);
        return described?.state === 'running';
      });
    }
    return { instance: described, imageId: image.value.imageId, imageReadyAt, launchedAt, readyAt: this.ports.clock.now() };
  }

  private launchRequest(target: { mode: 'spot' | 'on-demand'; instanceType: string; az: string }, imageId: string, clientToken: string, tags: Record<string, string>, userData?: string): LaunchRequest {
    return { instanceType: target.instanceType, az: target.az, mode: target.mode, imageId, clientToken, tags, userData };
  }

  private async waitFor(what: string, done: () => Promise<boolean>): Promise<void> {
    const pollMs = this.ports.pollMs ?? 5000;
    const limitMs = this.ports.waitLimitMs ?? 15 * 60_000;
    const deadline = this.ports.clock.nowMs() + limitMs;
    while (!(await done())) {
      if (this.ports.clock.nowMs() >= deadline) throw new Error(`the ${what} was not ready within ${Math.round(limitMs / 1000)}s`);
      await this.timers.sleep(pollMs);
    }
  }

  private terminateSelfAfter(ms: number, instanceId: string): void {
    this.log('TERMINATE-SCHEDULED', 'SUCCESS', `terminating the old instance ${instanceId} in ${Math.round(ms / 1000)}s`);
    const cancel = this.timers.after(ms, () => {
      this.pending.delete(cancel);
      return this.ports.cloud.terminateInstances([instanceId]).then(
        () => this.log('TERMINATE', 'SUCCESS', `old instance ${instanceId} terminated`),
        (error) => this.log('TERMINATE', 'FAILURE', message(error)),
      );
    });
    this.pending.add(cancel);
  }

  private async priceOf(mode: 'spot' | 'on-demand', instanceType: string, az: string, region: string): Promise<number | undefined> {
    if (mode === 'on-demand') return this.ports.catalog.onDemandPrice(region, instanceType);
    const prices = await this.ports.cloud.currentSpotPrices({ instanceTypes: [instanceType], azs: [az] }).catch(() => []);
    return prices[0]?.price;
  }

  // ------------------------------------------------------------------ safe mode (seed 003 level 3)

  private contact(ok: boolean): void {
    if (!ok) return;
    this.lastContactMs = this.ports.clock.nowMs();
    if (this.safeMode) {
      this.safeMode = false;
      this.log('SAFE-MODE', 'EXIT', 'control plane reachable again; normal operation');
    }
  }

  private checkOutage(): void {
    const limitMs = (this.ports.settings.safeModeAfterSeconds ?? 900) * 1000;
    if (!this.safeMode && this.ports.clock.nowMs() - this.lastContactMs >= limitMs) {
      this.safeMode = true;
      this.log('SAFE-MODE', 'ENTER', `control plane unreachable for ${Math.round(limitMs / 1000)}s: no risky moves, new launches on-demand only`);
    }
  }

  private async identity(): Promise<InstanceIdentity> {
    this.instance ??= await this.ports.identity.read();
    return this.instance;
  }

  private firstSight(key: string): boolean {
    if (this.seenNotices.has(key)) return false;
    this.seenNotices.add(key);
    return true;
  }

  private log(action: string, result: string, text: string, durationMs?: number): void {
    this.ports.logger.event({ level: result === 'FAILURE' ? 'warn' : 'info', component: COMPONENT, action, result, message: text, durationMs });
  }
}
