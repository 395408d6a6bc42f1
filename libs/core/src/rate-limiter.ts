import { Clock } from './clock';

export interface RateLimitDecision {
  allowed: boolean;
  remaining: number;
  /** When refused: how long until the oldest counted hit leaves the window. */
  retryAfterMs: number;
}

/**
 * A sliding-window limiter: at most `limit` hits per key in any `windowMs`. A port, because a
 * limit must hold across every API process and restart (docs: DESIGN.md §9): the database adapter
 * (libs/persistence DatabaseRateLimiter) is wired in the apps; Redis can take its place.
 */
export abstract class RateLimiter {
  /** Counts one hit if the window has room; refused hits are not counted. */
  abstract hit(key: string, limit: number, windowMs: number): Promise<RateLimitDecision>;
  /** What hit() would answer now, without counting anything. */
  abstract peek(key: string, limit: number, windowMs: number): Promise<RateLimitDecision>;
  /** Forgets every hit of the key (e.g. failed sign-ins after a successful one). */
  abstract reset(key: string): Promise<void>;
}

/**
 * Exact sliding-window limiter for one process: each key keeps at most `limit` timestamps,
 * so memory stays bounded by the number of active keys, and idle keys are swept.
 */
export class InMemoryRateLimiter extends RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(private readonly clock: Clock, private readonly maxKeys = 100_000) {
    super();
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    const now = this.clock.nowMs();
    this.sweep(now, windowMs);
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - windowMs);
    if (recent.length >= limit) {
      this.hits.set(key, recent);
      return { allowed: false, remaining: 0, retryAfterMs: recent[0] + windowMs - now };
    }
    recent.push(now);
    this.hits.set(key, recent);
    return { allowed: true, remaining: limit - recent.length, retryAfterMs: 0 };
  }

  async peek(key: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    const now = this.clock.nowMs();
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - windowMs).slice(-limit);
    if (recent.length >= limit) return { allowed: false, remaining: 0, retryAfterMs: recent[0] + windowMs - now };
    return { allowed: true, remaining: limit - recent.length, retryAfterMs: 0 };
  }

  async reset(key: string): Promise<void> {
    this.hits.delete(key);
  }

  private sweep(now: number, windowMs: number): void {
    if (this.hits.size < this.maxKeys && now - this.lastSweep < windowMs) return;
    this.lastSweep = now;
    for (const [key, times] of this.hits) {
      if (times.length === 0 || times[times.length - 1] <= now - windowMs) this.hits.delete(key);
    }
  }
}
