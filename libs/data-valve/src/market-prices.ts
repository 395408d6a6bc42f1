import { Between, DataSource } from 'typeorm';
import { PriceDataSource, PricingSnapshotCleanEntity } from '@spot/persistence';

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
  constructor(private readonly dataSource: DataSource) {}

  /** The newest clean point of each pool (pools without data are absent from the map). */
  async latest(poolIds: string[]): Promise<Map<string, PoolPricePoint>> {
    const found = new Map<string, PoolPricePoint>();
    if (poolIds.length === 0) return found;
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
}
