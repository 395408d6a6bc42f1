import { DataSource, In, LessThan } from 'typeorm';
import { MarketPrices } from '@spot/data-valve';
import { InterruptionHistory } from '@spot/global-risk';
import { InstanceEntity } from '@spot/persistence';
import { PoolEvidenceSource } from './pool-evidence';
import { PoolEvidence } from './pool-risk-posterior';

const HOUR_MS = 3_600_000;
/** How far back this deployment's own history counts. */
export const EVIDENCE_WINDOW_MS = 90 * 24 * HOUR_MS;
const REFERENCE_PRICE_WINDOW_MS = 7 * 24 * HOUR_MS;

/**
 * This deployment's evidence per pool, read from the database: interruptions from the
 * interruption log (global risk's InterruptionHistory over spot_interruption_events: distinct
 * instances that got any interruption signal, all clients — a rebalance recommendation counts,
 * it is AWS saying the capacity is at risk), hours of exposure from the spot instances that ran
 * in the pool (instances: installed → replaced / terminated, or now), and the pool's 7-day mean
 * clean price as the trend reference.
 */
export class DatabasePoolEvidence extends PoolEvidenceSource {
  constructor(
    private readonly dataSource: DataSource,
    private readonly interruptions: InterruptionHistory,
    private readonly prices: MarketPrices,
  ) {
    super();
  }

  async evidence(poolIds: string[], now: Date): Promise<Map<string, PoolEvidence>> {
    const found = new Map<string, PoolEvidence>();
    if (poolIds.length === 0) return found;
    const since = new Date(now.getTime() - EVIDENCE_WINDOW_MS);
    const [interrupted, instances, stats] = await Promise.all([
      this.interruptions.countsSince(poolIds, since),
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
    for (const [poolId, n] of interrupted) if (n > 0) get(poolId).interruptions = n;
    for (const i of instances) {
      const end = i.replacedAt ?? i.terminatedAt ?? (i.isActive ? now : i.updatedAt);
      const hours = (Math.min(end.getTime(), now.getTime()) - Math.max(i.installedAt.getTime(), since.getTime())) / HOUR_MS;
      if (hours > 0) get(i.currentPoolId as string).exposureHours += hours;
    }
    for (const poolId of stats.keys()) get(poolId);
    return found;
  }
}
