import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDataDirectory, InstanceCatalog } from '@spot/catalog';
import { parsePriceTrace } from '@spot/data-valve';
import { AdvisorBuckets, MarketModel } from './market-model';

/** Spot Advisor buckets of a region, from the catalog. */
export function advisorBucketsOf(catalog: InstanceCatalog, region: string): AdvisorBuckets {
  return (instanceType) => catalog.advisorEntry(region, instanceType)?.bucket;
}

/** The shipped trace of resources/aws-data (or `prices`), with the catalog's Advisor buckets of `region`. */
export function loadMarketModel(options: { seed: number; region?: string; prices?: string; catalog?: InstanceCatalog }): MarketModel {
  const path = options.prices ?? join(defaultDataDirectory(), 'prices', 'eu-west-1_linux_2021-12-13_2022-03-12.csv');
  const { changes, errors } = parsePriceTrace(readFileSync(path, 'utf8'));
  if (errors.length > 0) throw new Error(`${path}: ${errors.slice(0, 5).join('; ')}`);
  const catalog = options.catalog ?? InstanceCatalog.fromDirectory();
  return MarketModel.fromTrace(changes, { seed: options.seed, advisor: advisorBucketsOf(catalog, options.region ?? 'eu-west-1') });
}
