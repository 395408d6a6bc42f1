import { randomUUID } from 'node:crypto';
import type { SwitchReportRequestDto } from '@spot/contracts';
import { AgentContext, iso, message } from '../agent-context';
import { CutOver } from './cut-over';
import { SelfTermination } from './self-termination';

/**
 * promote-replica: the control plane moved the workload onto a replica; this old primary hands
 * the traffic over to it (a failover inside the notice's window when AWS is taking this
 * instance, a planned cut-over otherwise), then steps back (and goes, with auto-terminate).
 * A replica synced by snapshots has its own copies of the data volumes, so none move. An
 * emergency instance has no copies: its own agent takes over once this instance has stopped
 * (TakeOver), so this one only steps back.
 */
export class StepBack {
  constructor(
    private readonly ctx: AgentContext,
    private readonly selfTermination: SelfTermination,
    private readonly cutOver: CutOver,
  ) {}

  async execute(payload: Record<string, unknown>, commandId?: string): Promise<Record<string, unknown>> {
    const instance = await this.ctx.identity();
    const isOld = payload.old_instance_id === instance.instanceId;
    const newInstanceId = String(payload.new_instance_id ?? '');
    let report: SwitchReportRequestDto | undefined;
    let mayTerminate = true;
    if (isOld && /^i-[0-9a-f]+$/.test(newInstanceId) && !this.ctx.emergencyCopies.has(newInstanceId)) {
      ({ report, mayTerminate } = await this.handOver(instance.instanceId, newInstanceId, commandId));
    }
    if (isOld && !this.ctx.terminating && payload.demote_old_primary) {
      // Demoted, not ended: the control plane makes this instance the new primary's standby. Nothing
      // is kept on disk, so a restart registers and is told that role.
      this.ctx.role = 'retired';
      this.ctx.state.update({ role: undefined });
    } else if (isOld && !this.ctx.terminating) {
      this.ctx.setRole('retired', { retiredReason: `replica ${newInstanceId} promoted` });
      const config = (await this.ctx.runtime.ensureSession()).config;
      const fromCommand = Number(payload.terminate_wait_seconds);
      const wait = Number.isFinite(fromCommand) && fromCommand >= 0 ? fromCommand : config.terminate_wait_seconds;
      const autoTerminate = typeof payload.auto_terminate_enabled === 'boolean' ? payload.auto_terminate_enabled : config.auto_terminate_enabled;
      if (autoTerminate && wait > 0 && !this.ctx.safeMode && mayTerminate) {
        this.selfTermination.scheduleIn(instance.instanceId, wait * 1000, report);
      }
    }
    return { acknowledged_by: instance.instanceId, new_primary: payload.new_instance_id ?? null, stepped_back: isOld, ...(report ? { downtime_ms: report.downtime_ms ?? null, cutover_steps: report.cutover_steps } : {}) };
  }

  /** The cut-over onto the promoted replica, reported as the promotion's switch (same command: the control plane fills downtime and steps). */
  private async handOver(oldInstanceId: string, newInstanceId: string, commandId: string | undefined): Promise<{ report?: SwitchReportRequestDto; mayTerminate: boolean }> {
    const [described] = await this.ctx.ports.cloud.describeInstances([newInstanceId]).catch(() => []);
    if (!described) return { mayTerminate: true };
    const startedAt = this.ctx.now();
    const kind = this.ctx.terminating ? 'failover' : 'planned';
    let outcome;
    try {
      outcome = await this.cutOver.handOver({ kind, oldInstanceId, newInstanceId, newAz: described.az, newHasData: true, ...(this.ctx.terminationAt ? { oldInstanceEndsAt: this.ctx.terminationAt } : {}) });
    } catch (error) {
      this.ctx.log('PROMOTION-CUTOVER', 'FAILURE', message(error));
      return { mayTerminate: false };
    }
    if (!outcome.configured) return { mayTerminate: true };
    this.ctx.log('PROMOTION-CUTOVER', outcome.ok ? 'SUCCESS' : 'FAILURE', `${kind} to ${newInstanceId}: ${outcome.ok ? `downtime ${outcome.downtimeMs ?? 0} ms` : outcome.error}`);
    const report: SwitchReportRequestDto = {
      report_id: randomUUID(),
      ...(commandId ? { command_id: commandId } : {}),
      old_instance_id: oldInstanceId,
      new_instance_id: newInstanceId,
      mode: described.mode,
      instance_type: described.instanceType,
      az: described.az,
      success: true,
      initiated_at: iso(startedAt),
      ...(outcome.ok && outcome.downtimeMs !== undefined ? { downtime_ms: outcome.downtimeMs } : {}),
      cutover_steps: outcome.steps,
    };
    this.ctx.outbox.add('switch-report', report, { key: `promotion-cutover:${commandId ?? newInstanceId}` });
    await this.ctx.sender.flush();
    return { report, mayTerminate: outcome.mayTerminateOld };
  }
}
