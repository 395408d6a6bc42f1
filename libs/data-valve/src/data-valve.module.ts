import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@spot/core';
import { MarketPrices } from './market-prices';
import { PoolDirectory } from './pool-directory';

/**
 * The price-data pipeline. Owns spot_pools, pricing_submissions_raw, pricing_snapshots_clean,
 * pricing_snapshots_interpolated and pool_risk_analysis.
 */
@Module({
  providers: [
    { provide: PoolDirectory, inject: [DataSource, Clock], useFactory: (ds: DataSource, clock: Clock) => new PoolDirectory(ds, clock) },
    { provide: MarketPrices, inject: [DataSource], useFactory: (ds: DataSource) => new MarketPrices(ds) },
  ],
  exports: [PoolDirectory, MarketPrices],
})
export class DataValveModule {}
