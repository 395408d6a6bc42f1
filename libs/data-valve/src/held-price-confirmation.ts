import { DataSource } from 'typeorm';
import { Clock } from '@spot/core';
import { PricingHeldObservationEntity, SpotPoolEntity, TransactionRunner } from '@spot/persistence';
import { AWS_SOURCE } from './consensus';
import { ConsensusSeries, SourceUpdate } from './consensus-series';
import { LatestPriceCache } from './latest-price-cache';
import { BUCKET_MS, DAY_MS } from './price-buckets';

/** A price change as DescribeSpotPriceHistory gives it (a step function). */
export interface ReferencePriceChange {
  instanceType: string;
  az: string;
  price: number;
  timestamp: Date;
}

/**
 * The port through which the data valve asks the control plane's own AWS read for spot prices
 * (libs/cloud's CloudSpotPriceReference satisfies it over the CloudProvider port). Null: no AWS
 * access now (no credentials, refused, unreachable).
 */
export abstract class PriceConfirmationSource {
  abstract priceHistory(
    region: string,
    query: { instanceTypes: string[]; azs?: string[]; startTime: Date; endTime?: Date },
  ): Promise<ReferencePriceChange[] | null>;
}

export interface ConfirmationResult {
  /** Held values looked at. */
  checked: number;
  /** Of them, confirmed by AWS's price (now merged). */
  confirmed: number;
  /** Buckets that got AWS's price as a source. */
  bucketsWithAws: number;
  /** Regions whose prices could not be read (no AWS access). */
  unavailableRegions: string[];
}

/** Held values younger than this are looked at again on each run. */
export const CONFIRMATION_WINDOW_MS = 30 * 60_000;

/**
 * DESIGN.md §9: a held price is confirmed by a second client or by the control plane's own AWS
 * read. This run asks AWS for the pools and buckets of recent unconfirmed held values and adds
 * AWS's price to each bucket as a trusted source: a held value that agrees with it is merged,
 * one that does not stays held (and the bucket takes AWS's price). Without AWS access nothing
 * changes. Run by the scheduler (`price-confirmation`, every 5 minutes).
 */
export class HeldPriceConfirmation {
  private readonly series: ConsensusSeries;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly source: PriceConfirmationSource,
    private readonly cache: LatestPriceCache,
    private readonly clock: Clock,
    threshold: number,
  ) {
    this.series = new ConsensusSeries(threshold);
  }

  async confirmRecent(windowMs = CONFIRMATION_WINDOW_MS): Promise<ConfirmationResult> {
    const now = this.clock.now();
    const held = await this.dataSource
      .getRepository(PricingHeldObservationEntity)
      .createQueryBuilder('h')
      .where('h.confirmed_at IS NULL AND h.held_at >= :since', { since: new Date(now.getTime() - windowMs) })
      .getMany();
    const result: ConfirmationResult = { checked: held.length, confirmed: 0, bucketsWithAws: 0, unavailableRegions: [] };
    if (held.length === 0) return result;
    const pools = new Map((await this.dataSource.getRepository(SpotPoolEntity).find()).filter((p) => held.some((h) => h.poolId === p.id)).map((p) => [p.id, p]));
    const byRegion = new Map<string, PricingHeldObservationEntity[]>();
    for (const h of held) if (pools.has(h.poolId)) byRegion.set(h.region, [...(byRegion.get(h.region) ?? []), h]);

    for (const [region, rows] of byRegion) {
      const types = [...new Set(rows.map((h) => pools.get(h.poolId)?.instanceType as string))];
      const azs = [...new Set(rows.map((h) => pools.get(h.poolId)?.az as string))];
      const from = Math.min(...rows.map((h) => h.bucketStart.getTime()));
      const to = Math.max(...rows.map((h) => h.bucketStart.getTime())) + BUCKET_MS;
      // A day before the first bucket, so the price in force at it is among the changes.
      const changes = await this.source.priceHistory(region, { instanceTypes: types, azs, startTime: new Date(from - DAY_MS), endTime: new Date(to) });
      if (changes === null) {
        result.unavailableRegions.push(region);
        continue;
      }
      const updates: SourceUpdate[] = [];
      const seen = new Set<string>();
      for (const h of rows) {
        const key = `${h.poolId}@${h.bucketStart.getTime()}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const pool = pools.get(h.poolId) as SpotPoolEntity;
        const price = priceInForce(changes, pool.instanceType, pool.az, h.bucketStart.getTime() + BUCKET_MS - 1);
        if (price === null) continue;
        updates.push({ poolId: h.poolId, bucketStart: h.bucketStart, sourceId: AWS_SOURCE, role: 'primary', price, onDemandPrice: null, trusted: true });
      }
      if (updates.length === 0) continue;
      const folded = await this.tx.run((manager) => this.series.fold(manager, updates, { agentId: null, region }, now));
      for (const row of folded.written) await this.cache.offer(row);
      result.bucketsWithAws += updates.length;
    }
    const after = await this.dataSource
      .getRepository(PricingHeldObservationEntity)
      .createQueryBuilder('h')
      .where(`h.confirmed_by = 'aws' AND h.confirmed_at = :now`, { now })
      .getCount();
    result.confirmed = after;
    return result;
  }
}

/** The price of a step function at `atMs`: the latest change at or before it. */
function priceInForce(changes: ReferencePriceChange[], instanceType: string, az: string, atMs: number): number | null {
  let price: number | null = null;
  let latest = -Infinity;
  for (const c of changes) {
    if (c.instanceType !== instanceType || c.az !== az) continue;
    const t = c.timestamp.getTime();
    if (t <= atMs && t >= latest) {
      latest = t;
      price = c.price;
    }
  }
  return price;
}
