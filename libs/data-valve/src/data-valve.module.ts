import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InstanceCatalog } from '@spot/catalog';
import { Clock } from '@spot/core';
import { CandidatePools } from './candidate-pools';
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
    {
      provide: CandidatePools,
      inject: [InstanceCatalog, PoolDirectory, MarketPrices],
      useFactory: (c: InstanceCatalog, p: PoolDirectory, m: MarketPrices) => new CandidatePools(c, p, m),
    },
  ],
  exports: [PoolDirectory, MarketPrices, CandidatePools],
})
export class DataValveModule {}
