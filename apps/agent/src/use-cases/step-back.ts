import { AgentContext } from '../agent-context';
import { SelfTermination } from './self-termination';

/** promote-replica: the control plane moved the workload onto a replica; this old primary steps back (and goes, with auto-terminate). */
export class StepBack {
  constructor(
    private readonly ctx: AgentContext,
    private readonly selfTermination: SelfTermination,
  ) {}

  async execute(payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const instance = await this.ctx.identity();
    const isOld = payload.old_instance_id === instance.instanceId;
    if (isOld && !this.ctx.terminating && payload.demote_old_primary) {
      // Demoted, not ended: the control plane makes this instance the new primary's standby. Nothing
      // is kept on disk, so a restart registers and is told that role.
      this.ctx.role = 'retired';
      this.ctx.state.update({ role: undefined });
    } else if (isOld && !this.ctx.terminating) {
      this.ctx.setRole('retired', { retiredReason: `replica ${String(payload.new_instance_id ?? '')} promoted` });
      const config = (await this.ctx.runtime.ensureSession()).config;
      const fromCommand = Number(payload.terminate_wait_seconds);
      const wait = Number.isFinite(fromCommand) && fromCommand >= 0 ? fromCommand : config.terminate_wait_seconds;
      const autoTerminate = typeof payload.auto_terminate_enabled === 'boolean' ? payload.auto_terminate_enabled : config.auto_terminate_enabled;
      if (autoTerminate && wait > 0 && !this.ctx.safeMode) {
        this.selfTermination.scheduleIn(instance.instanceId, wait * 1000);
      }
    }
    return { acknowledged_by: instance.instanceId, new_primary: payload.new_instance_id ?? null, stepped_back: isOld };
  }
}
