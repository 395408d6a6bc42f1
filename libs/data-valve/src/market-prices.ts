import { Between, DataSource, In } from 'typeorm';
import { PriceDataSource, PricingSnapshotCleanEntity } from '@spot/persistence';
import { LatestPriceCache } from './latest-price-cache';

/** One point of a pool's clean 5-minute series. */
export interface PoolPricePoint {
  poolId: string;
  bucketStart: Date;
  spotPrice: number;
  onDemandPrice: number | null;
  source: PriceDataSource;
  confidence: number;
}

const toPoint = (row: PricingSnapshotCleanEntity): PoolPricePoint => ({
  poolId: row.poolId,
  bucketStart: row.bucketStart,
  spotPrice: row.spotPrice,
  onDemandPrice: row.onDemandPrice,
  source: row.dataSource,
  confidence: row.confidenceScore,
});

/**
 * Read side of the clean price series, for decisions, emergency fallback and the portal.
 * Reads only pricing_snapshots_clean; the data-valve pipeline is what writes it.
 */
export class MarketPrices {
  constructor(
    private readonly dataSource: DataSource,
    /** Without a cache every call reads the database (tools, tests). */
    private readonly cache: LatestPriceCache | null = null,
  ) {}

  /**
   * The newest clean point of each pool (pools without data are absent from the map), through
   * the 60 s latest-price cache.
   */
  async latest(poolIds: string[]): Promise<Map<string, PoolPricePoint>> {
    const found = new Map<string, PoolPricePoint>();
    const unique = [...new Set(poolIds)];
    const cached = this.cache ? await this.cache.getMany(unique) : new Map<string, PoolPricePoint | null>();
    for (const [id, point] of cached) if (point) found.set(id, point);
    const missing = unique.filter((id) => !cached.has(id));
    if (missing.length === 0) return found;
    const fromDb = await this.latestFromDatabase(missing);
    for (const id of missing) {
      const point = fromDb.get(id) ?? null;
      if (point) found.set(id, point);
      await this.cache?.remember(id, point);
    }
    return found;
  }

  private async latestFromDatabase(poolIds: string[]): Promise<Map<string, PoolPricePoint>> {
    const found = new Map<string, PoolPricePoint>();
    // The newest bucket per pool via a correlated subquery: one round trip, and no raw date parsing.
    const rows = await this.dataSource
      .getRepository(PricingSnapshotCleanEntity)
      .createQueryBuilder('p')
      .where('p.pool_id IN (:...poolIds)', { poolIds })
      .andWhere('p.bucket_start = (SELECT MAX(q.bucket_start) FROM pricing_snapshots_clean q WHERE q.pool_id = p.pool_id)')
      .getMany();
    for (const row of rows) found.set(row.poolId, toPoint(row));
    return found;
  }

  /** The pool's clean series in [from, to], oldest first. */
  async series(poolId: string, from: Date, to: Date): Promise<PoolPricePoint[]> {
    const rows = await this.dataSource.getRepository(PricingSnapshotCleanEntity).find({
      where: { poolId, bucketStart: Between(from, to) },
      order: { bucketStart: 'ASC' },
    });
    return rows.map(toPoint);
  }

  /**
   * Mean, min, max and volatility (coefficient of variation) of each pool's clean prices since
   * `since`; pools without points are absent.
   */
  async stats(poolIds: string[], since: Date, until: Date): Promise<Map<string, PoolPriceStats>> {
    const found = new Map<string, PoolPriceStats>();
    if (poolIds.length === 0) return found;
    const rows = await this.dataSource.getRepository(PricingSnapshotCleanEntity).find({
      select: { poolId: true, spotPrice: true },
      where: { poolId: In(poolIds), bucketStart: Between(since, until) },
    });
    const byPool = new Map<string, number[]>();
    for (const row of rows) {
      const prices = byPool.get(row.poolId) ?? [];
      prices.push(row.spotPrice);
      byPool.set(row.poolId, prices);
    }
    for (const [poolId, prices] of byPool) found.set(poolId, priceStatsOf(prices));
    return found;
  }
}

export interface PoolPriceStats {
  mean: number;
  min: number;
  max: number;
  /** Standard deviation over mean (0 for a flat series). */
  volatility: number;
  samples: number;
}

export function priceStatsOf(prices: number[]): PoolPriceStats {
  const samples = prices.length;
  const mean = prices.reduce((a, b) => a + b, 0) / samples;
  const variance = prices.reduce((a, b) => a + (b - mean) ** 2, 0) / samples;
  return { mean, min: Math.min(...prices), max: Math.max(...prices), volatility: mean > 0 ? Math.sqrt(variance) / mean : 0, samples };
}
