import { randomUUID } from 'node:crypto';
import type { CommandDto } from '@spot/contracts';
import { AgentContext, iso, message } from '../agent-context';
import type { SwitchReportRequestDto } from '@spot/contracts';
import { CutOver, CutOverTarget, HandOverFailed, movedReportFields } from './cut-over';
import { priceOf } from './prices';
import { SelfTermination } from './self-termination';

/**
 * Switch (seed 001 Switch Executor): AMI of this instance → launch in the target pool (or
 * on-demand; on-demand only in safe mode) → wait until running → traffic on it → switch-report →
 * this instance retires and terminates itself after `terminate_wait_seconds` when auto-terminate
 * is on. The wait comes with the command (issue 13: a setting changed just before must apply).
 */
export class SwitchWorkload {
  constructor(
    private readonly ctx: AgentContext,
    private readonly cutOver: CutOver,
    private readonly selfTermination: SelfTermination,
  ) {}

  async execute(command: CommandDto, payload: Record<string, unknown>, initiatedAt: Date): Promise<Record<string, unknown>> {
    const instance = await this.ctx.identity();
    const session = await this.ctx.runtime.ensureSession();
    const wanted = payload.mode === 'spot' ? 'spot' : 'on-demand';
    const mode = this.ctx.safeMode ? 'on-demand' : wanted;
    const target: CutOverTarget = { mode, instanceType: String(payload.instance_type ?? instance.instanceType), az: String(payload.az ?? instance.az) };
    const { catalog } = this.ctx.ports;
    const oldPrice = await priceOf(this.ctx, instance.mode, instance.instanceType, instance.az, instance.region);
    let moved;
    try {
      moved = await this.cutOver.moveWorkload(instance, target, command.id, `switch-${command.id.slice(0, 8)}`);
    } catch (error) {
      // A failed cut-over (docs/continuity.md "Failure"): what it did was undone, the old instance
      // keeps serving and stays the primary; the new one serves nothing and goes (unless an undo
      // failed: then a person looks at it).
      const failed = error instanceof HandOverFailed ? error : undefined;
      if (failed && !failed.outcome.undoFailures.length && !this.ctx.safeMode) {
        await this.ctx.ports.cloud.terminateInstances([failed.newInstance.instanceId]).catch((e) => this.ctx.log('SWITCH', 'FAILURE', `could not terminate the unused ${failed.newInstance.instanceId}: ${message(e)}`));
      }
      this.ctx.outbox.add(
        'switch-report',
        {
          report_id: randomUUID(),
          command_id: command.id,
          old_instance_id: instance.instanceId,
          new_instance_id: failed?.newInstance.instanceId ?? instance.instanceId,
          mode: target.mode,
          instance_type: target.instanceType,
          az: target.az,
          success: false,
          error_message: message(error).slice(0, 2000),
          initiated_at: iso(initiatedAt),
          ...(failed ? { cutover_steps: failed.outcome.steps } : {}),
        },
        { key: `switch:${command.id}` },
      );
      throw error;
    }
    if ('dryRun' in moved) return { dry_run: true, would_execute: moved.wouldExecute };
    const price = await priceOf(this.ctx, target.mode, target.instanceType, target.az, instance.region);
    const onDemand = catalog.onDemandPrice(instance.region, target.instanceType);
    const report: SwitchReportRequestDto = {
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
        ...movedReportFields(moved),
    };
    this.ctx.outbox.add('switch-report', report, { key: `switch:${command.id}` });
    this.ctx.setRole('retired', { retiredReason: `switched to ${moved.instance.instanceId}` });
    const config = session.config;
    const fromCommand = Number(payload.terminate_wait_seconds);
    const wait = Number.isFinite(fromCommand) && fromCommand >= 0 ? fromCommand : config.terminate_wait_seconds;
    const autoTerminate = typeof payload.auto_terminate_enabled === 'boolean' ? payload.auto_terminate_enabled : config.auto_terminate_enabled;
    // Never before the new one serves everywhere (mayTerminateOld); the report goes again with old_terminated_at.
    const terminate = autoTerminate && wait > 0 && !this.ctx.safeMode && moved.handOver.mayTerminateOld;
    if (terminate) this.selfTermination.scheduleIn(instance.instanceId, wait * 1000, report);
    return {
      new_instance_id: moved.instance.instanceId,
      image_id: moved.imageId,
      mode: target.mode,
      downgraded_to_on_demand: mode !== wanted,
      terminate_after_seconds: terminate ? wait : null,
      ...(moved.handOver.configured ? { downtime_ms: moved.handOver.downtimeMs ?? null, cutover_steps: moved.handOver.steps } : {}),
    };
  }
}
