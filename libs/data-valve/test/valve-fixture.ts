import { DataSource } from 'typeorm';
import { InstanceCatalog } from '@spot/catalog';
import { InMemoryCacheFactory, ManualClock, CryptoIdGenerator } from '@spot/core';
import { SystemEventLog, TransactionRunner } from '@spot/persistence';
import {
  DataQuality,
  GapFiller,
  LatestPriceCache,
  MarketPrices,
  PoolDirectory,
  PriceAggregator,
  PriceIngest,
  PriceRetention,
  PriceTraceImporter,
} from '@spot/data-valve';

let catalog: InstanceCatalog | undefined;

/** The data-valve components wired the way DataValveModule wires them, on one database. */
export function buildValve(dataSource: DataSource, clock: ManualClock) {
  catalog ??= InstanceCatalog.fromDirectory();
  const ids = new CryptoIdGenerator(clock);
  const tx = new TransactionRunner(dataSource);
  const cache = new LatestPriceCache(new InMemoryCacheFactory(clock));
  const pools = new PoolDirectory(dataSource, clock);
  const ingest = new PriceIngest(tx, catalog, pools, cache, clock, ids);
  const aggregator = new PriceAggregator(dataSource, catalog, clock);
  return {
    catalog,
    cache,
    pools,
    ingest,
    prices: new MarketPrices(dataSource, cache),
    gapFiller: new GapFiller(dataSource, tx, cache, clock, ids),
    aggregator,
    retention: new PriceRetention(dataSource, aggregator, new SystemEventLog(dataSource, clock, ids), clock),
    quality: new DataQuality(dataSource, clock),
    importer: new PriceTraceImporter(ingest),
  };
}
