import { CacheFactory, Clock, SignalBus, TtlCache } from '@spot/core';
import { InterruptionHistory } from './interruption-history';

/** How long an interrupted pool stays off-limits for every client (seed 003 SVC-RISK-GLB). */
export const RISK_FLAG_TTL_MS = 30 * 60_000;
/** Interruptions are also counted over a longer window, as evidence for risk scores. */
export const INTERRUPTION_COUNT_WINDOW_MS = 7 * 24 * 60 * 60_000;

export interface PoolRiskFlag {
  poolId: string;
  region: string;
  az: string;
  instanceType: string;
  /** Interruption signals seen while this flag was live. */
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** When the flag lapses unless another interruption renews it (ISO-8601). */
  expiresAt: string;
  lastSignal: string;
}

/** The channel a new flag is broadcast on, so every process stops using the pool at once. */
export const RISK_FLAG_CHANNEL = 'global-risk:flag';

export interface PoolInterruption {
  region: string;
  az: string;
  instanceType: string;
  /** termination | interruption | rebalance-recommendation | termination-imminent … */
  signal: string;
}

/**
 * Shared intelligence across clients: an interruption in a pool flags it for 30 minutes for
 * everybody, so no client is moved into capacity AWS is taking back right now. Kept behind the
 * cache port (in-memory now, Redis later). With the interruption log attached, flags and counts
 * also come from the recorded events, so a flag raised by the API process is seen by the
 * scheduler's decision loop and survives restarts; the cache answers the hot path in between.
 */
export class GlobalRiskTracker {
  private readonly flags: TtlCache;
  private readonly counters: TtlCache;
  private readonly listeners = new Set<(flag: PoolRiskFlag) => void>();

  constructor(
    caches: CacheFactory,
    private readonly clock: Clock,
    private readonly log?: InterruptionHistory,
    private readonly bus?: SignalBus,
  ) {
    this.flags = caches.namespace('global-risk:flags', { maxEntries: 100_000 });
    this.counters = caches.namespace('global-risk:counts', { maxEntries: 100_000 });
    // A flag raised by any process (Redis pub/sub when REDIS_URL is set) goes into this process's
    // view at once; with the Redis cache it is there already and this only tells the listeners.
    bus?.subscribe(RISK_FLAG_CHANNEL, (message) => void this.received(message as PoolRiskFlag).catch(() => undefined));
  }

  /** Called for every flag raised in any process reached by the signal bus (this one included). */
  onFlagged(listener: (flag: PoolRiskFlag) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async received(flag: PoolRiskFlag): Promise<void> {
    if (typeof flag?.poolId !== 'string' || typeof flag.expiresAt !== 'string') return;
    const left = new Date(flag.expiresAt).getTime() - this.clock.nowMs();
    const known = await this.flags.get<PoolRiskFlag>(flag.poolId);
    if (left > 0 && (!known || known.lastSeen < flag.lastSeen)) await this.flags.set(flag.poolId, flag, left);
    for (const listener of [...this.listeners]) listener(flag);
  }

  /** Flags the pool (renewing the 30-minute window) and counts the interruption. */
  async flagPool(event: PoolInterruption): Promise<PoolRiskFlag> {
    const poolId = `${event.instanceType}.${event.az}`;
    const now = this.clock.now();
    const previous = await this.flags.get<PoolRiskFlag>(poolId);
    const flag: PoolRiskFlag = {
      poolId,
      region: event.region,
      az: event.az,
      instanceType: event.instanceType,
      count: (previous?.count ?? 0) + 1,
      firstSeen: previous?.firstSeen ?? now.toISOString(),
      lastSeen: now.toISOString(),
      expiresAt: new Date(now.getTime() + RISK_FLAG_TTL_MS).toISOString(),
      lastSignal: event.signal,
    };
    await this.flags.set(poolId, flag, RISK_FLAG_TTL_MS);
    await this.counters.increment(poolId, INTERRUPTION_COUNT_WINDOW_MS);
    await this.bus?.publish(RISK_FLAG_CHANNEL, flag);
    return flag;
  }

  async isFlagged(poolId: string): Promise<boolean> {
    return (await this.flaggedAmong([poolId])).has(poolId);
  }

  /** The subset of `poolIds` that is flagged right now. */
  async flaggedAmong(poolIds: string[]): Promise<Set<string>> {
    const flagged = new Set((await this.flags.getMany<PoolRiskFlag>(poolIds)).keys());
    const unknown = poolIds.filter((id) => !flagged.has(id));
    if (this.log && unknown.length > 0) {
      const flagWindowStart = new Date(this.clock.nowMs() - RISK_FLAG_TTL_MS);
      for (const id of await this.log.poolsSignalledAfter(unknown, flagWindowStart)) flagged.add(id);
    }
    return flagged;
  }

  async flagOf(poolId: string): Promise<PoolRiskFlag | undefined> {
    return this.flags.get<PoolRiskFlag>(poolId);
  }

  /** Every live flag, most recent first. */
  async activeFlags(): Promise<PoolRiskFlag[]> {
    const keys = await this.flags.keys();
    const found = await this.flags.getMany<PoolRiskFlag>(keys);
    return [...found.values()].sort((a, b) => b.lastSeen.localeCompare(a.lastSeen));
  }

  /** Interruptions of the pool counted over the last 7 days. */
  async recentInterruptions(poolId: string): Promise<number> {
    return (await this.interruptionCounts([poolId], new Date(this.clock.nowMs() - INTERRUPTION_COUNT_WINDOW_MS))).get(poolId) ?? 0;
  }

  /**
   * Interrupted instances per pool since `since`: from the log when attached, else this
   * process's counters (which only know the last 7 days).
   */
  async interruptionCounts(poolIds: string[], since: Date): Promise<Map<string, number>> {
    if (this.log) return this.log.countsSince(poolIds, since);
    const counted = await this.counters.getMany<number>(poolIds);
    return new Map(poolIds.map((id) => [id, counted.get(id) ?? 0]));
  }
}
