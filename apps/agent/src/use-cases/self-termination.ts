import { randomUUID } from 'node:crypto';
import type { SwitchReportRequestDto } from '@spot/contracts';
import { AgentContext, iso, message } from '../agent-context';

/** While reports are still queued (the control plane is away), the termination waits this long, so many times at most. */
const POSTPONE_MS = 60_000;
const MAX_POSTPONES = 30;

/**
 * The old instance terminates itself after a switch's (or promotion's) terminate wait. The
 * promise is kept in the agent's state on disk, so a restart inside the wait still keeps it
 * (docs/architecture.md, agent lifecycle); the control plane also terminates leftovers.
 */
export class SelfTermination {
  constructor(private readonly ctx: AgentContext) {}

  /** Terminates `instanceId` after `waitMs`, durably; `report` (the switch's) goes again with `old_terminated_at` then. */
  scheduleIn(instanceId: string, waitMs: number, report?: SwitchReportRequestDto): void {
    this.scheduleAt(instanceId, new Date(this.ctx.ports.clock.nowMs() + waitMs), report);
  }

  scheduleAt(instanceId: string, at: Date, report?: SwitchReportRequestDto): void {
    this.ctx.state.update({ pendingTermination: { instanceId, at: at.toISOString(), ...(report ? { report } : {}) } });
    this.arm(instanceId, at);
  }

  /** After a restart: the termination promised before it (at once when its time has passed). */
  resume(): boolean {
    const pending = this.ctx.state.current?.pendingTermination;
    if (!pending) return false;
    this.arm(pending.instanceId, new Date(pending.at));
    return true;
  }

  get pending(): { instanceId: string; at: string } | undefined {
    const pending = this.ctx.state.current?.pendingTermination;
    return pending ? { instanceId: pending.instanceId, at: pending.at } : undefined;
  }

  private arm(instanceId: string, at: Date): void {
    const waitMs = Math.max(0, at.getTime() - this.ctx.ports.clock.nowMs());
    this.ctx.log('TERMINATE-SCHEDULED', 'SUCCESS', `terminating the old instance ${instanceId} in ${Math.round(waitMs / 1000)}s (at ${at.toISOString()})`);
    this.ctx.schedule(waitMs, () => this.fire(instanceId));
  }

  private async fire(instanceId: string, postponed = 0): Promise<void> {
    // The queue lives on this instance's disk: deliver it first, or it goes with the instance.
    const flushed = await this.ctx.sender.flush().catch(() => undefined);
    if (instanceId === this.ctx.instanceId && (flushed?.remaining ?? 0) > 0 && postponed < MAX_POSTPONES) {
      this.ctx.log('TERMINATE', 'POSTPONED', `${flushed?.remaining} report(s) not delivered yet; terminating ${instanceId} in ${POSTPONE_MS / 1000}s`);
      this.ctx.schedule(POSTPONE_MS, () => this.fire(instanceId, postponed + 1));
      return;
    }
    try {
      const report = this.ctx.state.current?.pendingTermination?.report;
      const done = await this.ctx.ports.cloud.terminateInstances([instanceId]);
      const terminatedAt = this.ctx.now();
      this.ctx.state.update({ pendingTermination: undefined });
      this.ctx.log('TERMINATE', 'SUCCESS', `old instance ${instanceId} terminated`);
      if (report && !done.dryRun) {
        // The same switch again (same command): the control plane fills old_terminated_at and
        // only now marks the old instance record terminated (docs/continuity.md).
        this.ctx.outbox.add('switch-report', { ...report, report_id: randomUUID(), old_terminated_at: iso(terminatedAt) }, { key: `switch-terminated:${report.command_id ?? report.report_id}` });
        await this.ctx.sender.flush().catch(() => undefined);
      }
    } catch (error) {
      // Kept in the state: the next start tries again (and the control plane's job is the backstop).
      this.ctx.log('TERMINATE', 'FAILURE', message(error));
    }
  }
}
