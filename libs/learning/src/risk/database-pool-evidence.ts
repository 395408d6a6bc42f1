import { DataSource, In, LessThan } from 'typeorm';
import { MarketPrices } from '@spot/data-valve';
import { InstanceEntity, SpotInterruptionEventEntity } from '@spot/persistence';
import { PoolEvidenceSource } from './pool-evidence';
import { PoolEvidence } from './pool-risk-posterior';

const HOUR_MS = 3_600_000;
/** How far back this deployment's own history counts. */
export const EVIDENCE_WINDOW_MS = 90 * 24 * HOUR_MS;
const REFERENCE_PRICE_WINDOW_MS = 7 * 24 * HOUR_MS;
/** Signals that mean the instance was (about to be) taken: a rebalance recommendation alone is not an interruption. */
const INTERRUPTING_SIGNALS = ['termination-notice', 'interruption'];

/**
 * This deployment's evidence per pool, read from the database: interruptions from
 * spot_interruption_events (distinct instances; the sentinel of issue 5 owns the table and had
 * no read service in main when this was written, so it is read here through its entity), hours
 * of exposure from the spot instances that ran in the pool (instances: installed → replaced /
 * terminated, or now), and the pool's 7-day mean clean price as the trend reference.
 */
export class DatabasePoolEvidence extends PoolEvidenceSource {
  constructor(
    private readonly dataSource: DataSource,
    private readonly prices: MarketPrices,
  ) {
    super();
  }

  async evidence(poolIds: string[], now: Date): Promise<Map<string, PoolEvidence>> {
    const found = new Map<string, PoolEvidence>();
    if (poolIds.length === 0) return found;
    const since = new Date(now.getTime() - EVIDENCE_WINDOW_MS);
    const [interrupted, instances, stats] = await Promise.all([
      this.dataSource
        .getRepository(SpotInterruptionEventEntity)
        .createQueryBuilder('e')
        .select('e.pool_id', 'pool_id')
        .addSelect('COUNT(DISTINCT e.instance_id)', 'n')
        .where('e.pool_id IN (:...poolIds)', { poolIds })
        .andWhere('e.signal_type IN (:...signals)', { signals: INTERRUPTING_SIGNALS })
        .andWhere('e.detected_at >= :since AND e.detected_at <= :now', { since, now })
        .groupBy('e.pool_id')
        .getRawMany<{ pool_id: string; n: number | string }>(),
      this.dataSource.getRepository(InstanceEntity).find({
        select: { currentPoolId: true, installedAt: true, replacedAt: true, terminatedAt: true, isActive: true, updatedAt: true },
        where: { currentMode: 'spot', currentPoolId: In(poolIds), installedAt: LessThan(now) },
      }),
      this.prices.stats(poolIds, new Date(now.getTime() - REFERENCE_PRICE_WINDOW_MS), now),
    ]);
    const get = (poolId: string) => {
      const e = found.get(poolId) ?? { interruptions: 0, exposureHours: 0, referencePrice: stats.get(poolId)?.mean ?? null };
      found.set(poolId, e);
      return e;
    };
    for (const row of interrupted) get(row.pool_id).interruptions = Number(row.n);
    for (const i of instances) {
      const end = i.replacedAt ?? i.terminatedAt ?? (i.isActive ? now : i.updatedAt);
      const hours = (Math.min(end.getTime(), now.getTime()) - Math.max(i.installedAt.getTime(), since.getTime())) / HOUR_MS;
      if (hours > 0) get(i.currentPoolId as string).exposureHours += hours;
    }
    for (const poolId of stats.keys()) get(poolId);
    return found;
  }
}
