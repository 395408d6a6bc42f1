import { randomUUID } from 'node:crypto';
import { AgentContext, iso, message } from '../agent-context';
import { CutOver } from './cut-over';

/**
 * An emergency instance's agent, once promoted, moves the workload from the instance AWS is
 * taking back onto its own (docs/continuity.md "Failover"): the dying instance keeps the traffic
 * until shortly before the notice's time (it still has the data), then traffic, and the volumes
 * once it has stopped (forced after a grace). Its user data names that instance and the time
 * (LaunchReplica). Done once per instance: the state on disk remembers it.
 */
export class TakeOver {
  constructor(
    private readonly ctx: AgentContext,
    private readonly cutOver: CutOver,
  ) {}

  async runIfDue(): Promise<void> {
    const failover = this.ctx.failover;
    if (!failover || this.ctx.role !== 'primary' || this.ctx.state.current?.takenOverFrom === failover.from) return;
    const instance = await this.ctx.identity();
    const startedAt = this.ctx.now();
    this.ctx.state.update({ takenOverFrom: failover.from });
    let outcome;
    try {
      outcome = await this.cutOver.handOver({ kind: 'failover', oldInstanceId: failover.from, newInstanceId: instance.instanceId, newAz: instance.az, ...(failover.endsAt ? { oldInstanceEndsAt: failover.endsAt } : {}) });
    } catch (error) {
      this.ctx.log('TAKE-OVER', 'FAILURE', message(error));
      return;
    }
    if (!outcome.configured) return;
    this.ctx.log('TAKE-OVER', outcome.ok ? 'SUCCESS' : 'FAILURE', `from ${failover.from}: ${outcome.ok ? `downtime ${outcome.downtimeMs ?? 0} ms` : outcome.error}`);
    // The promotion's switch (recorded by the control plane) gets the downtime and the steps.
    this.ctx.outbox.add(
      'switch-report',
      {
        report_id: randomUUID(),
        old_instance_id: failover.from,
        new_instance_id: instance.instanceId,
        mode: instance.mode,
        instance_type: instance.instanceType,
        az: instance.az,
        success: true,
        initiated_at: iso(startedAt),
        ...(outcome.ok && outcome.downtimeMs !== undefined ? { downtime_ms: outcome.downtimeMs } : {}),
        cutover_steps: outcome.steps,
      },
      { key: `take-over:${failover.from}` },
    );
    await this.ctx.sender.flush();
  }
}
