import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CatalogModule, InstanceCatalog } from '@spot/catalog';
import { CacheFactory, Clock, IdGenerator, SPOT_CONFIG, SpotConfig } from '@spot/core';
import { SystemEventLog, TransactionRunner } from '@spot/persistence';
import { CandidatePools } from './candidate-pools';
import { DataQuality } from './data-quality';
import { GapFiller } from './gap-filler';
import { LatestPriceCache } from './latest-price-cache';
import { MarketPrices } from './market-prices';
import { PoolDirectory } from './pool-directory';
import { PriceAggregator } from './price-aggregator';
import { PriceIngest } from './price-ingest';
import { PriceRetention } from './price-retention';
import { PriceTraceImporter } from './price-trace-importer';
import { PriceViews } from './price-views';

const PROVIDED = [PoolDirectory, LatestPriceCache, MarketPrices, CandidatePools, PriceIngest, GapFiller, PriceAggregator, PriceRetention, DataQuality, PriceTraceImporter, PriceViews];

/**
 * The price-data pipeline. Owns spot_pools, pricing_submissions_raw, pricing_snapshots_clean,
 * pricing_snapshots_interpolated and pool_risk_analysis.
 */
@Module({
  imports: [CatalogModule],
  providers: [
    { provide: PoolDirectory, inject: [DataSource, Clock], useFactory: (ds: DataSource, clock: Clock) => new PoolDirectory(ds, clock) },
    { provide: LatestPriceCache, inject: [CacheFactory], useFactory: (caches: CacheFactory) => new LatestPriceCache(caches) },
    { provide: MarketPrices, inject: [DataSource, LatestPriceCache], useFactory: (ds: DataSource, cache: LatestPriceCache) => new MarketPrices(ds, cache) },
    {
      provide: CandidatePools,
      inject: [InstanceCatalog, PoolDirectory, MarketPrices],
      useFactory: (c: InstanceCatalog, p: PoolDirectory, m: MarketPrices) => new CandidatePools(c, p, m),
    },
    {
      provide: PriceIngest,
      inject: [TransactionRunner, InstanceCatalog, PoolDirectory, LatestPriceCache, Clock, IdGenerator, SPOT_CONFIG],
      useFactory: (tx: TransactionRunner, c: InstanceCatalog, p: PoolDirectory, cache: LatestPriceCache, clock: Clock, ids: IdGenerator, config: SpotConfig) =>
        new PriceIngest(tx, c, p, cache, clock, ids, { consensusThreshold: config.priceConsensus.threshold }),
    },
    {
      provide: GapFiller,
      inject: [DataSource, TransactionRunner, LatestPriceCache, Clock, IdGenerator],
      useFactory: (ds: DataSource, tx: TransactionRunner, cache: LatestPriceCache, clock: Clock, ids: IdGenerator) => new GapFiller(ds, tx, cache, clock, ids),
    },
    { provide: PriceAggregator, inject: [DataSource, InstanceCatalog, Clock], useFactory: (ds: DataSource, c: InstanceCatalog, clock: Clock) => new PriceAggregator(ds, c, clock) },
    {
      provide: PriceRetention,
      inject: [DataSource, PriceAggregator, SystemEventLog, Clock],
      useFactory: (ds: DataSource, a: PriceAggregator, e: SystemEventLog, clock: Clock) => new PriceRetention(ds, a, e, clock),
    },
    { provide: DataQuality, inject: [DataSource, Clock], useFactory: (ds: DataSource, clock: Clock) => new DataQuality(ds, clock) },
    {
      provide: PriceViews,
      inject: [InstanceCatalog, PoolDirectory, MarketPrices, CandidatePools, Clock],
      useFactory: (c: InstanceCatalog, p: PoolDirectory, m: MarketPrices, cp: CandidatePools, clock: Clock) => new PriceViews(c, p, m, cp, clock),
    },
    { provide: PriceTraceImporter, inject: [PriceIngest], useFactory: (ingest: PriceIngest) => new PriceTraceImporter(ingest) },
  ],
  exports: PROVIDED,
})
export class DataValveModule {}
