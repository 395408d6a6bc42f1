import { randomUUID } from 'node:crypto';
import { AgentContext, iso, message } from '../agent-context';
import { InstanceIdentity } from '../agent-settings';
import { InstanceAction } from '../imds-client';
import { CommandExecutor } from './command-executor';
import { CutOver, movedReportFields } from './cut-over';

/**
 * IMDS notices (every ≤ 5 s, never backed off: docs/architecture.md): a rebalance recommendation is
 * reported once; a termination notice starts seed 004 Scenario 3.
 */
export class InterruptionHandling {
  private readonly seen = new Set<string>();

  constructor(
    private readonly ctx: AgentContext,
    private readonly commands: CommandExecutor,
    private readonly cutOver: CutOver,
  ) {}

  async checkOnce(): Promise<void> {
    this.ctx.checkOutage();
    const instance = await this.ctx.identity();
    const { imds } = this.ctx.ports;
    const action = await imds.instanceAction();
    if (action) {
      await this.onTerminationNotice(instance, action);
      return;
    }
    const rebalance = await imds.rebalanceRecommendation();
    if (rebalance && this.firstSight(`rebalance:${rebalance.noticeTime.toISOString()}`)) {
      // Seed 004 Scenario 2: the control plane scores the risk (replica above 0.30), unless this
      // workload is set to take a replica on every recommendation.
      const route = this.ctx.settings.rebalanceAlwaysReplica && this.ctx.role === 'primary' ? 'create-emergency-replica' : 'rebalance-recommendation';
      this.ctx.log('REBALANCE', 'DETECTED', `rebalance recommendation at ${rebalance.noticeTime.toISOString()}: ${route}`);
      this.ctx.outbox.add(
        route,
        { instance_id: instance.instanceId, notice_time: iso(rebalance.noticeTime), reported_by: this.ctx.role === 'replica' ? 'replica' : 'primary' },
        { key: `rebalance:${instance.instanceId}:${rebalance.noticeTime.toISOString()}` },
      );
      await this.ctx.sender.flush();
    }
  }

  /**
   * Seed 004 Scenario 3: stop non-critical work (pricing, commands), hand the state to the
   * replica, ask for the failover (termination-imminent), flush what is still queued. In safe
   * mode, with the control plane gone, the agent launches its own on-demand replacement.
   */
  private async onTerminationNotice(instance: InstanceIdentity, action: InstanceAction): Promise<void> {
    if (!this.firstSight(`action:${action.time.toISOString()}`)) return;
    this.ctx.terminating = true;
    this.ctx.terminationAt = action.time;
    this.ctx.log('TERMINATION-NOTICE', 'DETECTED', `${action.action} at ${action.time.toISOString()}: stopping pricing and commands`);
    const key = `termination:${instance.instanceId}:${iso(action.time)}`;
    if (this.ctx.role === 'replica') {
      this.ctx.outbox.add('termination', { instance_id: instance.instanceId, action: action.action, termination_time: iso(action.time), reported_by: 'replica' }, { key });
      await this.ctx.sender.flush();
      return;
    }
    if (this.ctx.safeMode) {
      await this.safeModeFailover(instance, action);
      return;
    }
    this.ctx.log('STATE-TRANSFER', 'SUCCESS', 'state frozen and handed to the replica (if any)');
    this.ctx.outbox.add('termination-imminent', { instance_id: instance.instanceId, action: action.action, termination_time: iso(action.time) }, { key });
    const flushed = await this.ctx.sender.flush();
    // Without a ready replica the control plane answers with an emergency launch: run it now.
    await this.commands.pollOnce().catch((error) => this.ctx.log('EMERGENCY-COMMANDS', 'FAILURE', message(error)));
    this.ctx.log('FLUSH', flushed.remaining ? 'PARTIAL' : 'SUCCESS', `final flush: ${this.ctx.outbox.queue.size} report(s) left on disk`);
  }

  /** Level 3: nobody to ask, so an on-demand copy of this instance is launched before AWS takes it. */
  private async safeModeFailover(instance: InstanceIdentity, action: InstanceAction): Promise<void> {
    this.ctx.log('SAFE-MODE-FAILOVER', 'STARTED', `control plane unreachable; launching an on-demand replacement before ${action.time.toISOString()}`);
    const initiatedAt = this.ctx.now();
    try {
      const moved = await this.cutOver.moveWorkload(instance, { mode: 'on-demand', instanceType: instance.instanceType, az: instance.az }, `safe-mode-${instance.instanceId}`, 'safe-mode-failover', {
        kind: 'failover',
        oldInstanceEndsAt: action.time,
      });
      if ('dryRun' in moved) return;
      this.ctx.outbox.add(
        'switch-report',
        {
          report_id: randomUUID(),
          old_instance_id: instance.instanceId,
          new_instance_id: moved.instance.instanceId,
          mode: 'on-demand',
          instance_type: instance.instanceType,
          az: instance.az,
          trigger: 'safe-mode-failover',
          success: true,
          initiated_at: iso(initiatedAt),
          ...movedReportFields(moved),
        },
        { key: `safe-mode-switch:${instance.instanceId}` },
      );
      this.ctx.setRole('retired', { retiredReason: `safe-mode failover to ${moved.instance.instanceId}` });
    } catch (error) {
      this.ctx.log('SAFE-MODE-FAILOVER', 'FAILURE', message(error));
    }
    await this.ctx.sender.flush();
  }

  private firstSight(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
}
