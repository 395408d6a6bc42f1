import { DataSource } from 'typeorm';
import { SpotInterruptionEventEntity } from '@spot/persistence';

/**
 * Past interruptions per pool, from the events the sentinel records (all clients): the durable
 * side of the global risk tracker, read by every process (the sentinel owns the table's writes).
 * Has the shape of the decisions lib's PoolInterruptionHistory port (`countsSince`).
 */
export class InterruptionHistory {
  constructor(private readonly dataSource: DataSource) {}

  /** Distinct instances interrupted in the pool since `since`, other than `exceptInstanceId`. */
  async countForPool(poolId: string, since: Date, exceptInstanceId?: string): Promise<number> {
    const query = this.dataSource
      .getRepository(SpotInterruptionEventEntity)
      .createQueryBuilder('e')
      .select('COUNT(DISTINCT e.instance_id)', 'n')
      .where('e.pool_id = :poolId AND e.detected_at >= :since', { poolId, since });
    if (exceptInstanceId) query.andWhere('e.instance_id <> :exceptInstanceId', { exceptInstanceId });
    const row = await query.getRawOne<{ n: number | string }>();
    return Number(row?.n ?? 0);
  }

  /** Distinct instances interrupted per pool since `since`; every asked pool is in the answer. */
  async countsSince(poolIds: string[], since: Date): Promise<Map<string, number>> {
    const counts = new Map(poolIds.map((id) => [id, 0]));
    if (poolIds.length === 0) return counts;
    const rows = await this.dataSource
      .getRepository(SpotInterruptionEventEntity)
      .createQueryBuilder('e')
      .select('e.pool_id', 'pool')
      .addSelect('COUNT(DISTINCT e.instance_id)', 'n')
      .where('e.pool_id IN (:...poolIds) AND e.detected_at >= :since', { poolIds, since })
      .groupBy('e.pool_id')
      .getRawMany<{ pool: string; n: number | string }>();
    for (const row of rows) counts.set(row.pool, Number(row.n));
    return counts;
  }

  /** The subset of `poolIds` with any interruption signal detected after `after` (exclusive, like a TTL's end). */
  async poolsSignalledAfter(poolIds: string[], after: Date): Promise<Set<string>> {
    if (poolIds.length === 0) return new Set();
    const rows = await this.dataSource
      .getRepository(SpotInterruptionEventEntity)
      .createQueryBuilder('e')
      .select('DISTINCT e.pool_id', 'pool')
      .where('e.pool_id IN (:...poolIds) AND e.detected_at > :after', { poolIds, after })
      .getRawMany<{ pool: string }>();
    return new Set(rows.map((r) => r.pool));
  }
}
