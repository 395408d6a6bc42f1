import { DataSource } from 'typeorm';
import { SpotInterruptionEventEntity } from '@spot/persistence';

/** Past interruptions per pool, from the events the sentinel records (all clients). */
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
}
