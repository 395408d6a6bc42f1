import { DataSource } from 'typeorm';
import { Clock } from '@spot/core';
import { PoolDirectory } from '@spot/data-valve';
import { PricingSnapshotCleanEntity } from '@spot/persistence';

export interface SpotPriceInput {
  instanceType: string;
  az: string;
  price: number;
  region?: string;
  /** Minutes before now of the 5-minute bucket (0: the current bucket). */
  minutesAgo?: number;
}

const BUCKET_MS = 5 * 60_000;

/**
 * Puts clean spot prices in, the way the data-valve ingest does (issue 3's POST
 * /api/agents/:id/pricing-report). The one place end-to-end tests feed prices through: swap its
 * body for the real route once it exists.
 */
export async function putSpotPrices(dataSource: DataSource, clock: Clock, prices: SpotPriceInput[]): Promise<void> {
  const pools = new PoolDirectory(dataSource, clock);
  const now = clock.now();
  for (const p of prices) {
    const region = p.region ?? p.az.slice(0, -1);
    const pool = await pools.ensure(p.instanceType, region, p.az);
    const bucketStart = new Date(Math.floor((now.getTime() - (p.minutesAgo ?? 0) * 60_000) / BUCKET_MS) * BUCKET_MS);
    const row: PricingSnapshotCleanEntity = {
      poolId: pool.id,
      bucketStart,
      spotPrice: p.price,
      onDemandPrice: null,
      dataSource: 'primary',
      confidenceScore: 1,
      interpolationMethod: null,
      flaggedForReview: false,
      sourceCount: 1,
      createdAt: now,
      updatedAt: now,
    };
    await dataSource.getRepository(PricingSnapshotCleanEntity).upsert(row, ['poolId', 'bucketStart']);
  }
}
