import { DataSource, EntityManager, In } from 'typeorm';
import { Clock, IdGenerator } from '@spot/core';
import { insertRow, ReplicaCostLogEntity, ReplicaInstanceEntity } from '@spot/persistence';

const HOUR_MS = 3_600_000;

const REASONS: Record<ReplicaInstanceEntity['replicaType'], string> = {
  manual: 'manual',
  'automatic-rebalance': 'rebalance',
  'automatic-termination': 'termination',
};

/**
 * What standby capacity costs (seed 001 replica_cost_log): consecutive periods per replica at its
 * hourly price, accrued hourly while it lives and closed when it is promoted or terminated.
 */
export class ReplicaCostLedger {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /** Logs the period since the last entry (or creation) up to `end`. */
  async close(replica: ReplicaInstanceEntity, end: Date, manager: EntityManager = this.dataSource.manager): Promise<void> {
    const start = await this.lastEnd(replica, manager);
    await this.log(replica, start, end, manager);
  }

  /** Hourly accrual for live replicas: one entry per replica whose last period ended an hour ago or more. */
  async accrue(replicas: ReplicaInstanceEntity[]): Promise<number> {
    const now = this.clock.now();
    let logged = 0;
    const ends = await this.lastEnds(replicas.map((r) => r.id));
    for (const replica of replicas) {
      const start = ends.get(replica.id) ?? replica.createdAt;
      if (now.getTime() - start.getTime() < HOUR_MS) continue;
      if (await this.log(replica, start, now, this.dataSource.manager)) logged += 1;
    }
    return logged;
  }

  private async log(replica: ReplicaInstanceEntity, start: Date, end: Date, manager: EntityManager): Promise<boolean> {
    if (replica.hourlyPrice === null || end.getTime() <= start.getTime()) return false;
    const cost = Math.round(((replica.hourlyPrice * (end.getTime() - start.getTime())) / HOUR_MS) * 1e6) / 1e6;
    await insertRow(manager, ReplicaCostLogEntity, {
      id: this.ids.uuid(),
      clientId: replica.clientId,
      agentId: replica.agentId,
      replicaId: replica.id,
      poolId: replica.poolId,
      hourlyPrice: replica.hourlyPrice,
      periodStart: start,
      periodEnd: end,
      cost,
      reason: REASONS[replica.replicaType],
      createdAt: this.clock.now(),
    });
    return true;
  }

  private async lastEnd(replica: ReplicaInstanceEntity, manager: EntityManager): Promise<Date> {
    const last = await manager.getRepository(ReplicaCostLogEntity).findOne({ where: { replicaId: replica.id }, order: { periodEnd: 'DESC' } });
    return last?.periodEnd ?? replica.createdAt;
  }

  private async lastEnds(replicaIds: string[]): Promise<Map<string, Date>> {
    const ends = new Map<string, Date>();
    if (replicaIds.length === 0) return ends;
    const rows = await this.dataSource.getRepository(ReplicaCostLogEntity).find({ select: { replicaId: true, periodEnd: true }, where: { replicaId: In(replicaIds) } });
    for (const row of rows) {
      const known = ends.get(row.replicaId);
      if (!known || known < row.periodEnd) ends.set(row.replicaId, row.periodEnd);
    }
    return ends;
  }

  /** Total standby cost logged for a client. */
  async totalForClient(clientId: string): Promise<number> {
    const rows = await this.dataSource.getRepository(ReplicaCostLogEntity).find({ select: { cost: true }, where: { clientId } });
    return Math.round(rows.reduce((sum, r) => sum + r.cost, 0) * 1e6) / 1e6;
  }
}
