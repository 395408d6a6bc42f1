import { ADVISOR_BUCKET_MIDPOINTS } from '@spot/catalog';
import { hashString, uniform } from './seeded-random';

/** Bound once: hot paths run millions of times in tests, and inside Jest's vm sandbox every global lookup (`Math`) costs ~0.4 µs. */
const { floor, exp } = Math;

export const HOUR_MS = 3_600_000;
/** Every interruption gives the 2-minute notice. */
export const INTERRUPTION_NOTICE_MS = 120_000;
/** Share of interruptions preceded by a rebalance recommendation. */
export const REBALANCE_SHARE = 0.6;
/** The rebalance recommendation comes 10–20 minutes before the interruption. */
export const REBALANCE_LEAD_MS = { min: 10 * 60_000, max: 20 * 60_000 } as const;
/** A pool is "elevated" while its price is more than 10 % above its trailing 7-day median. */
export const ELEVATED_ABOVE_MEDIAN = 1.1;
export const ELEVATED_HAZARD_FACTOR = 3;
export const MEDIAN_WINDOW_HOURS = 7 * 24;
/** Fewer hourly samples than this (the trace's first day) give no median: never elevated. */
const MIN_MEDIAN_SAMPLES = 24;
/** The Advisor's "monthly" rate is read as a 30-day month. */
const HOURS_PER_MONTH = 30 * 24;
/** A pool whose type has no Advisor entry gets the middle bucket (10–15 %). */
const UNKNOWN_BUCKET = 2;

/** One row of a DescribeSpotPriceHistory trace: the pool's price from `at` on (the data-valve PriceChange). */
export interface TracePriceChange {
  at: Date;
  instanceType: string;
  az: string;
  price: number;
}

/** Spot Advisor bucket (0 … 4) of an instance type, null/undefined when unknown. */
export type AdvisorBuckets = (instanceType: string) => number | null | undefined;

export interface MarketModelOptions {
  advisor: AdvisorBuckets;
  /** Seeds every interruption draw: the same seed and trace give the same market. */
  seed: number;
}

export interface MarketPool {
  /** `<instance type>.<az>`, as agents and the rest of the product name pools. */
  poolId: string;
  instanceType: string;
  az: string;
  /** The Advisor bucket used for the hazard (the middle one when the type has no entry). */
  advisorBucket: number;
  /** Midpoint of that bucket as a monthly interruption rate (0.025 … 0.25). */
  monthlyInterruptionRate: number;
  /** When the trace first prices the pool: before it, the pool does not exist. */
  firstPriceAt: Date;
}

export interface InterruptionEvent {
  poolId: string;
  /** Rebalance recommendation, 10–20 min before the interruption (60 % of interruptions), else null. */
  rebalanceAt: Date | null;
  /** The 2-minute interruption notice. */
  noticeAt: Date;
  interruptAt: Date;
  /** The pool's price was > 10 % above its trailing 7-day median (hazard tripled) in that hour. */
  elevated: boolean;
}

export interface PriceSegment {
  from: Date;
  to: Date;
  price: number;
}

type Instant = Date | number;
const ms = (t: Instant) => (typeof t === 'number' ? t : t.getTime());

interface PoolTrace {
  pool: MarketPool;
  times: number[];
  prices: number[];
  /** cumulative[i]: USD of running from the first change to times[i]. */
  cumulative: number[];
  baseHazard: number;
  stream: number;
  /** Elevated flag per hour from `firstHour` on (computed on first use); later hours never are. */
  elevated: { firstHour: number; flags: Uint8Array } | null;
}

/**
 * A simulated Spot market: a real price trace replayed as a step function per pool, and
 * interruptions drawn from a seeded hazard per pool-hour. The hazard comes from the pool's Spot
 * Advisor bucket midpoint (a monthly rate r gives −ln(1−r)/720 per hour), tripled in hours when
 * the pool's price is more than 10 % above its trailing 7-day median (hourly samples). At most one
 * interruption per pool-hour, at a uniformly drawn second of it.
 *
 * Every draw is a function of (seed, pool, key, hour) only, so the schedule is the same whatever
 * order or window it is queried in. `key` separates independent instances of one pool (e.g. an
 * instance id in a simulated EC2); the default key gives the pool's own schedule, which the
 * backtest uses for every strategy alike.
 */
export class MarketModel {
  private readonly byPool = new Map<string, PoolTrace>();
  private readonly traceFrom: number;
  private readonly traceTo: number;

  private constructor(
    pools: PoolTrace[],
    readonly seed: number,
  ) {
    for (const p of pools) this.byPool.set(p.pool.poolId, p);
    this.traceFrom = Math.min(...pools.map((p) => p.times[0]));
    this.traceTo = Math.max(...pools.map((p) => p.times[p.times.length - 1]));
  }

  static fromTrace(changes: readonly TracePriceChange[], options: MarketModelOptions): MarketModel {
    if (!Number.isSafeInteger(options.seed)) throw new Error(`seed must be an integer, got ${options.seed}`);
    const grouped = new Map<string, { instanceType: string; az: string; rows: Array<[number, number]> }>();
    for (const c of changes) {
      if (!Number.isFinite(c.price) || c.price < 0 || Number.isNaN(c.at.getTime())) throw new Error(`bad price change ${JSON.stringify(c)}`);
      const poolId = `${c.instanceType}.${c.az}`;
      const entry = grouped.get(poolId) ?? { instanceType: c.instanceType, az: c.az, rows: [] };
      entry.rows.push([c.at.getTime(), c.price]);
      grouped.set(poolId, entry);
    }
    if (grouped.size === 0) throw new Error('the price trace is empty');
    const pools = [...grouped.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([poolId, { instanceType, az, rows }]): PoolTrace => {
        rows.sort((a, b) => a[0] - b[0]);
        const known = options.advisor(instanceType);
        const advisorBucket = known === null || known === undefined ? UNKNOWN_BUCKET : Math.min(4, Math.max(0, Math.round(known)));
        const monthlyInterruptionRate = ADVISOR_BUCKET_MIDPOINTS[advisorBucket];
        return {
          pool: { poolId, instanceType, az, advisorBucket, monthlyInterruptionRate, firstPriceAt: new Date(rows[0][0]) },
          times: rows.map((r) => r[0]),
          prices: rows.map((r) => r[1]),
          cumulative: rows.map(() => 0),
          baseHazard: -Math.log(1 - monthlyInterruptionRate) / HOURS_PER_MONTH,
          stream: hashString(`${options.seed}|${poolId}`),
          elevated: null,
        };
      });
    for (const p of pools) {
      for (let i = 1; i < p.times.length; i++) p.cumulative[i] = p.cumulative[i - 1] + (p.prices[i - 1] * (p.times[i] - p.times[i - 1])) / HOUR_MS;
    }
    return new MarketModel(pools, options.seed);
  }

  pools(): MarketPool[] {
    return [...this.byPool.values()].map((p) => ({ ...p.pool }));
  }

  pool(poolId: string): MarketPool | undefined {
    const p = this.byPool.get(poolId);
    return p ? { ...p.pool } : undefined;
  }

  /** First and last price change of the trace; prices hold after the last one. */
  span(): { from: Date; to: Date } {
    return { from: new Date(this.traceFrom), to: new Date(this.traceTo) };
  }

  /** The pool's price in force at `t` (the last change at or before it); null before its first price or for unknown pools. */
  priceAt(poolId: string, t: Instant): number | null {
    const p = this.byPool.get(poolId);
    if (!p) return null;
    const i = lastAtOrBefore(p.times, ms(t));
    return i < 0 ? null : p.prices[i];
  }

  /** The pool's price steps over [from, to), clipped to the window (nothing before its first price). */
  segments(poolId: string, from: Instant, to: Instant): PriceSegment[] {
    const p = this.trace(poolId);
    const start = ms(from);
    const end = ms(to);
    const segments: PriceSegment[] = [];
    let i = lastAtOrBefore(p.times, start);
    let cursor = i < 0 ? p.times[0] : start;
    if (i < 0) i = 0;
    while (cursor < end && i < p.times.length) {
      const next = i + 1 < p.times.length ? Math.min(p.times[i + 1], end) : end;
      if (next > cursor) segments.push({ from: new Date(cursor), to: new Date(next), price: p.prices[i] });
      cursor = next;
      i++;
    }
    return segments;
  }

  /** What running in the pool over [from, to) costs, billed per second at the price in force (USD). */
  costBetween(poolId: string, from: Instant, to: Instant): number {
    const p = this.trace(poolId);
    return Math.max(0, costUntil(p, ms(to)) - costUntil(p, ms(from)));
  }

  /** Median of the pool's hourly prices over the 7 days before the hour of `t`; null with less than a day of data. */
  trailingMedian(poolId: string, t: Instant): number | null {
    const p = this.trace(poolId);
    const hour = floor(ms(t) / HOUR_MS);
    const samples: number[] = [];
    for (let h = hour - MEDIAN_WINDOW_HOURS; h < hour; h++) {
      const i = lastAtOrBefore(p.times, h * HOUR_MS);
      if (i >= 0) samples.push(p.prices[i]);
    }
    if (samples.length < MIN_MEDIAN_SAMPLES) return null;
    samples.sort((a, b) => a - b);
    const mid = samples.length >> 1;
    return samples.length % 2 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2;
  }

  /** Whether the hazard is tripled in the hour of `t`: the price at the hour's start is > 10 % above the trailing median. */
  isElevated(poolId: string, t: Instant): boolean {
    const p = this.trace(poolId);
    const hour = floor(ms(t) / HOUR_MS);
    const { firstHour, flags } = p.elevated ?? (p.elevated = elevatedHours(p));
    return hour >= firstHour && hour - firstHour < flags.length && flags[hour - firstHour] === 1;
  }

  /** Interruptions per instance-hour in the pool during the hour of `t` (0 before the pool exists). */
  hazardPerHour(poolId: string, t: Instant): number {
    const p = this.trace(poolId);
    const hourStart = floor(ms(t) / HOUR_MS) * HOUR_MS;
    if (hourStart + HOUR_MS <= p.times[0]) return 0;
    return p.baseHazard * (this.isElevated(poolId, hourStart) ? ELEVATED_HAZARD_FACTOR : 1);
  }

  /** The interruption of the pool (for `key`) in the hour of `t`, if one is drawn. */
  interruptionInHour(poolId: string, t: Instant, key = ''): InterruptionEvent | null {
    const p = this.trace(poolId);
    const hour = floor(ms(t) / HOUR_MS);
    const hazard = this.hazardPerHour(poolId, hour * HOUR_MS);
    if (hazard === 0) return null;
    const stream = key === '' ? p.stream : hashString(`${this.seed}|${poolId}|${key}`);
    if (uniform(stream, hour, 0) >= 1 - exp(-hazard)) return null;
    const interruptAt = hour * HOUR_MS + floor(uniform(stream, hour, 1) * 3600) * 1000;
    if (interruptAt < p.times[0]) return null;
    const warned = uniform(stream, hour, 2) < REBALANCE_SHARE;
    const lead = REBALANCE_LEAD_MS.min + floor(uniform(stream, hour, 3) * ((REBALANCE_LEAD_MS.max - REBALANCE_LEAD_MS.min) / 1000 + 1)) * 1000;
    return {
      poolId,
      rebalanceAt: warned ? new Date(interruptAt - lead) : null,
      noticeAt: new Date(interruptAt - INTERRUPTION_NOTICE_MS),
      interruptAt: new Date(interruptAt),
      elevated: this.isElevated(poolId, hour * HOUR_MS),
    };
  }

  /** Every pool's interruptions (for `key`) with interruptAt in [from, to), in time order. */
  eventsBetween(from: Instant, to: Instant, key = ''): InterruptionEvent[] {
    const events: InterruptionEvent[] = [];
    for (const poolId of this.byPool.keys()) events.push(...this.poolEventsBetween(poolId, from, to, key));
    return events.sort((a, b) => a.interruptAt.getTime() - b.interruptAt.getTime() || a.poolId.localeCompare(b.poolId));
  }

  /** The pool's interruptions (for `key`) with interruptAt in [from, to), in time order. */
  poolEventsBetween(poolId: string, from: Instant, to: Instant, key = ''): InterruptionEvent[] {
    const start = ms(from);
    const end = ms(to);
    const events: InterruptionEvent[] = [];
    for (let hour = floor(start / HOUR_MS); hour * HOUR_MS < end; hour++) {
      const event = this.interruptionInHour(poolId, hour * HOUR_MS, key);
      if (event && event.interruptAt.getTime() >= start && event.interruptAt.getTime() < end) events.push(event);
    }
    return events;
  }

  /**
   * The first interruption of an instance launched in the pool at `launchedAt` and kept until
   * `until`: its notice comes after the launch and it is interrupted before `until`. A rebalance
   * recommendation due before the launch is not delivered (null).
   */
  interruptionFor(poolId: string, launchedAt: Instant, until: Instant, key = ''): InterruptionEvent | null {
    const launched = ms(launchedAt);
    for (const event of this.poolEventsBetween(poolId, launched + INTERRUPTION_NOTICE_MS, until, key)) {
      return event.rebalanceAt && event.rebalanceAt.getTime() < launched ? { ...event, rebalanceAt: null } : event;
    }
    return null;
  }

  private trace(poolId: string): PoolTrace {
    const p = this.byPool.get(poolId);
    if (!p) throw new Error(`unknown pool ${poolId}: the trace never prices it`);
    return p;
  }
}

/** USD of running in the pool from its first price until t. */
function costUntil(p: PoolTrace, t: number): number {
  const i = lastAtOrBefore(p.times, t);
  return i < 0 ? 0 : p.cumulative[i] + (p.prices[i] * (t - p.times[i])) / HOUR_MS;
}

/** Index of the last element ≤ t in ascending `times`, −1 when none. */
function lastAtOrBefore(times: number[], t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * The pool's elevated hours, with a sliding 7-day window of hourly prices kept sorted. After the
 * last change plus a window the price is constant, so no later hour can be elevated.
 */
function elevatedHours(p: PoolTrace): { firstHour: number; flags: Uint8Array } {
  const firstHour = Math.ceil(p.times[0] / HOUR_MS);
  const lastHour = floor(p.times[p.times.length - 1] / HOUR_MS) + MEDIAN_WINDOW_HOURS + 1;
  const hourly: number[] = [];
  for (let h = firstHour, i = 0; h <= lastHour; h++) {
    while (i + 1 < p.times.length && p.times[i + 1] <= h * HOUR_MS) i++;
    hourly.push(p.prices[i]);
  }
  const flags = new Uint8Array(hourly.length);
  const window: number[] = [];
  for (let k = 0; k < hourly.length; k++) {
    if (window.length >= MIN_MEDIAN_SAMPLES) {
      const mid = window.length >> 1;
      const median = window.length % 2 ? window[mid] : (window[mid - 1] + window[mid]) / 2;
      flags[k] = hourly[k] > ELEVATED_ABOVE_MEDIAN * median ? 1 : 0;
    }
    window.splice(insertionIndex(window, hourly[k]), 0, hourly[k]);
    if (k >= MEDIAN_WINDOW_HOURS) window.splice(insertionIndex(window, hourly[k - MEDIAN_WINDOW_HOURS]) - 1, 1);
  }
  return { firstHour, flags };
}

/** Index after the last element ≤ value in ascending `sorted`. */
function insertionIndex(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
