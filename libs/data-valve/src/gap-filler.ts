import { Between, DataSource, In } from 'typeorm';
import { Clock, IdGenerator } from '@spot/core';
import { GapType, PricingSnapshotCleanEntity, PricingSnapshotInterpolatedEntity, SpotPoolEntity, TransactionRunner } from '@spot/persistence';
import { LatestPriceCache } from './latest-price-cache';
import { BUCKET_MS, bucketStartOf, CONFIDENCE, HOUR_MS } from './price-buckets';

/** Gap classes in 5-minute buckets (seed 004 Scenario 5). */
export const GAP_CLASSES = {
  short: { maxBuckets: 2, method: 'linear', confidence: CONFIDENCE.short },
  medium: { maxBuckets: 6, method: 'weighted-average', confidence: CONFIDENCE.medium },
  long: { maxBuckets: 24, method: 'cross-pool', confidence: CONFIDENCE.long },
} as const;
/** Longer than this (4 h) is a blackout: left empty. */
export const BLACKOUT_MIN_BUCKETS = 49;
/** Medium gaps weigh the real points within this distance of each missing bucket. */
export const WEIGHTING_WINDOW_MS = HOUR_MS;
/** Gaps are looked for in the last 24 hours unless told otherwise. */
export const DEFAULT_SCAN_MS = 24 * HOUR_MS;

export type GapMethod = 'linear' | 'weighted-average' | 'cross-pool' | 'linear-no-peers';

export interface GapFillOptions {
  /** Missing buckets from here (default: 24 h before `to`). */
  from?: Date;
  /** … up to here (default: now). */
  to?: Date;
  /** Only these pools (default: every pool). */
  poolIds?: string[];
}

export interface FilledGap {
  poolId: string;
  gapType: GapType;
  method: GapMethod;
  gapStart: Date;
  gapEnd: Date;
  buckets: number;
  confidence: number;
  priceBefore: number;
  priceAfter: number;
  peerPools: string[] | null;
  points: Array<{ bucketStart: Date; price: number }>;
}

export interface SkippedGap {
  poolId: string;
  gapStart: Date;
  gapEnd: Date;
  buckets: number;
  /** blackout: over 4 h, left empty by design; too-long: 2–4 h, longer than cross-pool inference covers. */
  reason: 'blackout' | 'too-long';
}

export interface GapFillResult {
  poolsScanned: number;
  filled: FilledGap[];
  skipped: SkippedGap[];
  pointsFilled: number;
}

interface SeriesPoint {
  t: number;
  price: number;
  interpolated: boolean;
}

/** The class of a gap of `buckets` missing 5-minute buckets, or why it stays empty. */
export function classifyGap(buckets: number): GapType | 'too-long' | 'blackout' {
  if (buckets <= GAP_CLASSES.short.maxBuckets) return 'short';
  if (buckets <= GAP_CLASSES.medium.maxBuckets) return 'medium';
  if (buckets <= GAP_CLASSES.long.maxBuckets) return 'long';
  return buckets >= BLACKOUT_MIN_BUCKETS ? 'blackout' : 'too-long';
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Finds missing 5-minute buckets between two known points of a pool's clean series and fills
 * them by class: short linearly, medium by a time-decay weighted average of the surrounding
 * hour, long by the median relative move of the same type in the region's other AZs. Every
 * fill is logged in pricing_snapshots_interpolated; a real measurement arriving later replaces
 * the point (PriceIngest). Re-running finds nothing new to fill.
 */
export class GapFiller {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly cache: LatestPriceCache,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async fill(options: GapFillOptions = {}): Promise<GapFillResult> {
    const to = bucketStartOf(options.to ?? this.clock.now());
    const from = bucketStartOf(options.from ?? new Date(to.getTime() - DEFAULT_SCAN_MS));
    const targets = await this.targetPools(options.poolIds);
    const result: GapFillResult = { poolsScanned: targets.length, filled: [], skipped: [], pointsFilled: 0 };
    // Pools of one type and region are handled together: they are each other's peers.
    const groups = new Map<string, SpotPoolEntity[]>();
    for (const pool of targets) {
      const key = `${pool.region}|${pool.instanceType}`;
      groups.set(key, [...(groups.get(key) ?? []), pool]);
    }
    for (const group of groups.values()) {
      const { filled, skipped } = await this.fillGroup(group, from, to);
      result.filled.push(...filled);
      result.skipped.push(...skipped);
    }
    result.pointsFilled = result.filled.reduce((n, g) => n + g.points.length, 0);
    return result;
  }

  private async targetPools(poolIds?: string[]): Promise<SpotPoolEntity[]> {
    const repo = this.dataSource.getRepository(SpotPoolEntity);
    return poolIds ? repo.findBy({ id: In(poolIds) }) : repo.find({ order: { id: 'ASC' } });
  }

  private async fillGroup(targets: SpotPoolEntity[], from: Date, to: Date): Promise<{ filled: FilledGap[]; skipped: SkippedGap[] }> {
    const { region, instanceType } = targets[0];
    const peers = await this.dataSource.getRepository(SpotPoolEntity).findBy({ region, instanceType });
    // Enough history before `from` to see the start of a gap up to the blackout length.
    const loadFrom = new Date(from.getTime() - BLACKOUT_MIN_BUCKETS * BUCKET_MS - WEIGHTING_WINDOW_MS);
    const rows = await this.dataSource.getRepository(PricingSnapshotCleanEntity).find({
      select: { poolId: true, bucketStart: true, spotPrice: true, dataSource: true, onDemandPrice: true },
      where: { poolId: In(peers.map((p) => p.id)), bucketStart: Between(loadFrom, to) },
      order: { bucketStart: 'ASC' },
    });
    const series = new Map<string, SeriesPoint[]>();
    const onDemand = new Map<string, number | null>();
    for (const r of rows) {
      const list = series.get(r.poolId) ?? [];
      list.push({ t: r.bucketStart.getTime(), price: r.spotPrice, interpolated: r.dataSource === 'interpolated' });
      series.set(r.poolId, list);
      if (r.onDemandPrice !== null) onDemand.set(r.poolId, r.onDemandPrice);
    }
    const byTime = new Map([...series].map(([id, list]) => [id, new Map(list.filter((p) => !p.interpolated).map((p) => [p.t, p.price]))]));

    const filled: FilledGap[] = [];
    const skipped: SkippedGap[] = [];
    for (const pool of targets) {
      const points = series.get(pool.id) ?? [];
      for (let i = 0; i + 1 < points.length; i++) {
        const before = points[i];
        const after = points[i + 1];
        const buckets = Math.round((after.t - before.t) / BUCKET_MS) - 1;
        if (buckets < 1) continue;
        const gapStart = before.t + BUCKET_MS;
        const gapEnd = after.t - BUCKET_MS;
        if (gapEnd < from.getTime() || gapStart > to.getTime()) continue;
        const kind = classifyGap(buckets);
        if (kind === 'blackout' || kind === 'too-long') {
          skipped.push({ poolId: pool.id, gapStart: new Date(gapStart), gapEnd: new Date(gapEnd), buckets, reason: kind });
          continue;
        }
        const missing = Array.from({ length: buckets }, (_, k) => gapStart + k * BUCKET_MS);
        let method: GapMethod = GAP_CLASSES[kind].method;
        let peerPools: string[] | null = null;
        let prices: number[];
        if (kind === 'short') {
          prices = missing.map((_, k) => before.price + ((after.price - before.price) * (k + 1)) / (buckets + 1));
        } else if (kind === 'medium') {
          const around = points.filter((p) => !p.interpolated);
          prices = missing.map((t) => weightedAverage(around, t));
        } else {
          const usable = peers.filter((p) => p.id !== pool.id && missing.concat(before.t).every((t) => byTime.get(p.id)?.has(t)));
          if (usable.length) {
            peerPools = usable.map((p) => p.id);
            prices = missing.map((t) => {
              const moves = usable.map((p) => (byTime.get(p.id)?.get(t) as number) / (byTime.get(p.id)?.get(before.t) as number) - 1);
              return before.price * (1 + median(moves));
            });
          } else {
            // No peer saw the whole gap: a straight line is the honest fallback, at long-gap confidence.
            method = 'linear-no-peers';
            prices = missing.map((_, k) => before.price + ((after.price - before.price) * (k + 1)) / (buckets + 1));
          }
        }
        filled.push({
          poolId: pool.id,
          gapType: kind,
          method,
          gapStart: new Date(gapStart),
          gapEnd: new Date(gapEnd),
          buckets,
          confidence: GAP_CLASSES[kind].confidence,
          priceBefore: before.price,
          priceAfter: after.price,
          peerPools,
          points: missing.map((t, k) => ({ bucketStart: new Date(t), price: round6(prices[k]) })),
        });
      }
    }
    if (filled.length) await this.write(filled, onDemand);
    return { filled, skipped };
  }

  private async write(gaps: FilledGap[], onDemand: Map<string, number | null>): Promise<void> {
    const now = this.clock.now();
    const clean: PricingSnapshotCleanEntity[] = [];
    const log: PricingSnapshotInterpolatedEntity[] = [];
    for (const gap of gaps) {
      for (const point of gap.points) {
        clean.push({
          poolId: gap.poolId,
          bucketStart: point.bucketStart,
          spotPrice: point.price,
          onDemandPrice: onDemand.get(gap.poolId) ?? null,
          dataSource: 'interpolated',
          confidenceScore: gap.confidence,
          interpolationMethod: gap.method,
          flaggedForReview: false,
          sourceCount: 0,
          createdAt: now,
          updatedAt: now,
        });
        log.push({
          id: this.ids.uuid(),
          poolId: gap.poolId,
          bucketStart: point.bucketStart,
          gapType: gap.gapType,
          interpolationMethod: gap.method,
          gapStart: gap.gapStart,
          gapEnd: gap.gapEnd,
          gapBuckets: gap.buckets,
          priceBefore: gap.priceBefore,
          priceAfter: gap.priceAfter,
          interpolatedPrice: point.price,
          confidenceScore: gap.confidence,
          peerPools: gap.peerPools,
          replacedAt: null,
          createdAt: now,
        });
      }
    }
    await this.tx.run(async (manager) => {
      for (let i = 0; i < clean.length; i += 500) {
        // OR IGNORE: a real measurement that arrived meanwhile wins over the inferred point.
        await manager.createQueryBuilder().insert().into(PricingSnapshotCleanEntity).values(clean.slice(i, i + 500)).orIgnore().updateEntity(false).execute();
        await manager.createQueryBuilder().insert().into(PricingSnapshotInterpolatedEntity).values(log.slice(i, i + 500)).updateEntity(false).execute();
      }
    });
    for (const row of clean) await this.cache.offer(row);
  }
}

/** Seed 004 medium gaps: Σ price·w / Σ w with w = 1 / (minutes away + 1), over the real points within an hour. */
function weightedAverage(points: SeriesPoint[], t: number): number {
  let weighted = 0;
  let total = 0;
  for (const p of points) {
    const distance = Math.abs(p.t - t);
    if (distance > WEIGHTING_WINDOW_MS) continue;
    const w = 1 / (distance / 60_000 + 1);
    weighted += p.price * w;
    total += w;
  }
  return weighted / total;
}
