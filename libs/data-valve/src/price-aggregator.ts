import { Between, DataSource, In } from 'typeorm';
import { InstanceCatalog } from '@spot/catalog';
import { Clock } from '@spot/core';
import { PoolRiskAnalysisEntity, PricingSnapshotCleanEntity, SpotInterruptionEventEntity, SpotPoolEntity } from '@spot/persistence';
import { priceStatsOf } from './market-prices';
import { DAY_MS, HOUR_MS, hourStartOf } from './price-buckets';

export interface AggregationResult {
  hours: number;
  rowsWritten: number;
}

/** The aggregator re-reads this many completed hours each run, so late points and gap fills are counted. */
export const DEFAULT_REAGGREGATE_HOURS = 6;

/**
 * Hourly aggregates of the clean series (avg, min, max, volatility, how many points were
 * inferred, interruptions seen) into pool_risk_analysis, kept permanently once the 5-minute
 * series is gone (seed 000 "temporary vs permanent"). Upserts: re-running an hour rewrites it.
 * `risk_score` is left to the decision engine that owns scoring.
 */
export class PriceAggregator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly catalog: InstanceCatalog,
    private readonly clock: Clock,
  ) {}

  /** Completed hours in [from, to); by default the last six. Works a day at a time. */
  async aggregate(options: { from?: Date; to?: Date } = {}): Promise<AggregationResult> {
    const to = hourStartOf(options.to ?? this.clock.now());
    const from = hourStartOf(options.from ?? new Date(to.getTime() - DEFAULT_REAGGREGATE_HOURS * HOUR_MS));
    const result: AggregationResult = { hours: Math.max(0, (to.getTime() - from.getTime()) / HOUR_MS), rowsWritten: 0 };
    const pools = new Map((await this.dataSource.getRepository(SpotPoolEntity).find()).map((p) => [p.id, p]));
    for (let start = from.getTime(); start < to.getTime(); start += DAY_MS) {
      const end = Math.min(start + DAY_MS, to.getTime());
      result.rowsWritten += await this.aggregateWindow(new Date(start), new Date(end), pools);
    }
    return result;
  }

  private async aggregateWindow(from: Date, to: Date, pools: Map<string, SpotPoolEntity>): Promise<number> {
    const until = new Date(to.getTime() - 1);
    const points = await this.dataSource.getRepository(PricingSnapshotCleanEntity).find({
      select: { poolId: true, bucketStart: true, spotPrice: true, dataSource: true },
      where: { bucketStart: Between(from, until) },
    });
    if (points.length === 0) return 0;
    const groups = new Map<string, { poolId: string; hour: Date; prices: number[]; interpolated: number }>();
    for (const p of points) {
      const hour = hourStartOf(p.bucketStart);
      const key = `${p.poolId}@${hour.getTime()}`;
      const group = groups.get(key) ?? { poolId: p.poolId, hour, prices: [], interpolated: 0 };
      group.prices.push(p.spotPrice);
      if (p.dataSource === 'interpolated') group.interpolated += 1;
      groups.set(key, group);
    }
    const interruptions = new Map<string, number>();
    const events = await this.dataSource.getRepository(SpotInterruptionEventEntity).find({
      select: { poolId: true, detectedAt: true },
      where: { poolId: In([...new Set(points.map((p) => p.poolId))]), detectedAt: Between(from, until) },
    });
    for (const e of events) {
      const key = `${e.poolId}@${hourStartOf(e.detectedAt).getTime()}`;
      interruptions.set(key, (interruptions.get(key) ?? 0) + 1);
    }
    const now = this.clock.now();
    const rows: PoolRiskAnalysisEntity[] = [...groups.entries()].map(([key, g]) => {
      const stats = priceStatsOf(g.prices);
      const pool = pools.get(g.poolId);
      return {
        poolId: g.poolId,
        hourStart: g.hour,
        avgPrice: Math.round(stats.mean * 1e6) / 1e6,
        minPrice: stats.min,
        maxPrice: stats.max,
        priceVolatility: Math.round(stats.volatility * 1e6) / 1e6,
        sampleCount: stats.samples,
        interpolatedCount: g.interpolated,
        interruptionCount: interruptions.get(key) ?? 0,
        advisorBucket: pool ? (this.catalog.advisorEntry(pool.region, pool.instanceType)?.bucket ?? null) : null,
        riskScore: null,
        computedAt: now,
      };
    });
    rows.sort((a, b) => a.poolId.localeCompare(b.poolId) || a.hourStart.getTime() - b.hourStart.getTime());
    for (let i = 0; i < rows.length; i += 500) {
      await this.dataSource
        .createQueryBuilder()
        .insert()
        .into(PoolRiskAnalysisEntity)
        .values(rows.slice(i, i + 500))
        .orUpdate(
          ['avg_price', 'min_price', 'max_price', 'price_volatility', 'sample_count', 'interpolated_count', 'interruption_count', 'advisor_bucket', 'computed_at'],
          ['pool_id', 'hour_start'],
        )
        .updateEntity(false)
        .execute();
    }
    return rows.length;
  }

  /** The permanent hourly series of a pool in [from, to). */
  async hourly(poolId: string, from: Date, to: Date): Promise<PoolRiskAnalysisEntity[]> {
    return this.dataSource.getRepository(PoolRiskAnalysisEntity).find({
      where: { poolId, hourStart: Between(from, new Date(to.getTime() - 1)) },
      order: { hourStart: 'ASC' },
    });
  }
}
