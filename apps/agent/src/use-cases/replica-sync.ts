import { randomUUID } from 'node:crypto';
import { AgentContext } from '../agent-context';

/** A standby reports its state transfer (seed 004 SYNC_UPDATE_INTERVAL); 100 % makes it ready to be promoted. */
export class ReplicaSync {
  private progress = 0;

  constructor(private readonly ctx: AgentContext) {}

  /** One step of the (simulated) transfer: 50 % per round until ready. */
  async advance(): Promise<void> {
    if (this.ctx.role !== 'replica' || this.progress >= 100) return;
    this.progress = Math.min(100, this.progress + 50);
    await this.report(this.progress, 40);
  }

  async report(progress: number, latencyMs = 0): Promise<void> {
    const replicaId = this.ctx.runtime.replicaId;
    if (this.ctx.role !== 'replica' || !replicaId) return;
    this.progress = Math.max(this.progress, progress);
    this.ctx.outbox.add('replica-sync', { report_id: randomUUID(), progress, latency_ms: latencyMs, sync_status: progress >= 100 ? 'synced' : 'syncing' }, { ref: replicaId });
    await this.ctx.sender.flush();
  }
}
