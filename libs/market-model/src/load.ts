import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDataDirectory, InstanceCatalog } from '@spot/catalog';
import { parsePriceTrace } from '@spot/price-trace';
import { AdvisorBuckets, MarketModel } from './market-model';

/** Spot Advisor buckets of a region, from the catalog. */
export function advisorBucketsOf(catalog: InstanceCatalog, region: string): AdvisorBuckets {
  return (instanceType) => catalog.advisorEntry(region, instanceType)?.bucket;
}

/** The shipped trace of resources/aws-data. */
export const SHIPPED_PRICE_TRACE = join('prices', 'eu-west-1_linux_2021-12-13_2022-03-12.csv');

/** The shipped trace (or `prices`), its pools in `region` only, with the catalog's Advisor buckets of that region. */
export function loadMarketModel(options: { seed: number; region?: string; prices?: string; catalog?: InstanceCatalog }): MarketModel {
  const path = options.prices ?? join(defaultDataDirectory(), SHIPPED_PRICE_TRACE);
  const region = options.region ?? 'eu-west-1';
  const { changes, errors } = parsePriceTrace(readFileSync(path, 'utf8'));
  if (errors.length > 0) throw new Error(`${path}: ${errors.length} unreadable line(s), e.g. ${errors.slice(0, 3).join('; ')}`);
  const inRegion = changes.filter((c) => c.az.startsWith(region));
  if (inRegion.length === 0) throw new Error(`${path}: no prices in region ${region}`);
  const catalog = options.catalog ?? InstanceCatalog.fromDirectory();
  return MarketModel.fromTrace(inRegion, { seed: options.seed, advisor: advisorBucketsOf(catalog, region) });
}
