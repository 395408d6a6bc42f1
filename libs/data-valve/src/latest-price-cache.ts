import { CacheFactory, TtlCache } from '@spot/core';
import { PriceDataSource } from '@spot/persistence';
import type { PoolPricePoint } from './market-prices';

/** What the cache holds per pool: plain JSON (a Redis implementation stores it as is); null = no data yet. */
interface CachedPoint {
  poolId: string;
  bucketStartMs: number;
  spotPrice: number;
  onDemandPrice: number | null;
  source: PriceDataSource;
  confidence: number;
}

/** A pool's newest clean point, as MarketPrices serves it. */
export type LatestPoint = PoolPricePoint;

export const LATEST_PRICE_TTL_MS = 60_000;
export const LATEST_PRICE_MAX_POOLS = 20_000;

/**
 * The latest clean price per pool (seed 000 Cache Manager: in memory, 60 s TTL, LRU-bounded),
 * behind the CacheFactory port. Writers in this process offer every point they write, so the
 * cache never serves an older point than this process wrote; other processes' writes show up
 * within the TTL.
 */
export class LatestPriceCache {
  private readonly cache: TtlCache;

  constructor(caches: CacheFactory, options: { ttlMs?: number; maxPools?: number } = {}) {
    this.cache = caches.namespace('latest-pool-price', { maxEntries: options.maxPools ?? LATEST_PRICE_MAX_POOLS });
    this.ttlMs = options.ttlMs ?? LATEST_PRICE_TTL_MS;
  }

  private readonly ttlMs: number;

  /** Cached answers: a point, or null for a pool known to have none; pools not cached are absent. */
  async getMany(poolIds: string[]): Promise<Map<string, LatestPoint | null>> {
    const found = await this.cache.getMany<CachedPoint | null>(poolIds);
    return new Map([...found].map(([id, p]) => [id, p === null ? null : fromCached(p)]));
  }

  async remember(poolId: string, point: LatestPoint | null): Promise<void> {
    await this.cache.set<CachedPoint | null>(poolId, point ? toCached(point) : null, this.ttlMs);
  }

  /** A point just written: it becomes the cached latest unless the cache knows a newer bucket. */
  async offer(point: { poolId: string; bucketStart: Date; spotPrice: number; onDemandPrice: number | null; dataSource: PriceDataSource; confidenceScore: number }): Promise<void> {
    const cached = await this.cache.get<CachedPoint | null>(point.poolId);
    if (cached === undefined) return; // not cached: the next read goes to the database anyway
    if (cached !== null && cached.bucketStartMs > point.bucketStart.getTime()) return;
    await this.remember(point.poolId, {
      poolId: point.poolId,
      bucketStart: point.bucketStart,
      spotPrice: point.spotPrice,
      onDemandPrice: point.onDemandPrice,
      source: point.dataSource,
      confidence: point.confidenceScore,
    });
  }

  /** Forgets pools whose points were deleted (retention) or rewritten out of order. */
  async forget(poolIds: string[]): Promise<void> {
    for (const id of poolIds) await this.cache.delete(id);
  }
}

const toCached = (p: LatestPoint): CachedPoint => ({
  poolId: p.poolId,
  bucketStartMs: p.bucketStart.getTime(),
  spotPrice: p.spotPrice,
  onDemandPrice: p.onDemandPrice,
  source: p.source,
  confidence: p.confidence,
});

const fromCached = (p: CachedPoint): LatestPoint => ({
  poolId: p.poolId,
  bucketStart: new Date(p.bucketStartMs),
  spotPrice: p.spotPrice,
  onDemandPrice: p.onDemandPrice,
  source: p.source,
  confidence: p.confidence,
});
