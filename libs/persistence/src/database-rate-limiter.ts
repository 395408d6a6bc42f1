import { DataSource, LessThanOrEqual } from 'typeorm';
import { Clock, RateLimitDecision, RateLimiter, sha256Hex } from '@spot/core';
import { insertRow } from './insert-row';
import { RateLimitSlotEntity } from './schema';
import { isUniqueViolation } from './transaction-runner';

const KEY_COLUMN_LENGTH = 150;
const SWEEP_EVERY_MS = 5 * 60_000;

/**
 * The RateLimiter port on the database, so a limit holds across every API process and survives a
 * restart (DESIGN.md §9; issue 22, finding 9). A key allowed `limit` hits per window owns slots
 * 0…limit-1 in `rate_limit_slots`; each holds when its hit leaves the window. A hit takes a missing
 * slot (INSERT, the primary key refuses a second taker) or an expired one (UPDATE … WHERE
 * expires_at = the value read, so two takers never both win). Losing a race means someone else took
 * a slot, so after `limit` lost races the window is full: the loop is bounded. Exact sliding window,
 * like InMemoryRateLimiter, and at most `limit` rows per key; expired rows are swept.
 */
export class DatabaseRateLimiter extends RateLimiter {
  private lastSweepMs = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    super();
  }

  private get repo() {
    return this.dataSource.getRepository(RateLimitSlotEntity);
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    const limitKey = storedKey(key);
    await this.sweep();
    for (let attempt = 0; attempt <= limit; attempt += 1) {
      const now = this.clock.nowMs();
      const slots = await this.slots(limitKey, limit);
      const live = slots.filter((s) => s.expiresAt.getTime() > now);
      if (live.length >= limit) return refused(live, now);
      const expiresAt = new Date(now + windowMs);
      const taken = new Set(slots.map((s) => s.slot));
      const missing = Array.from({ length: limit }, (_, i) => i).find((i) => !taken.has(i));
      if (missing !== undefined) {
        try {
          await insertRow(this.dataSource.manager, RateLimitSlotEntity, { limitKey, slot: missing, expiresAt });
          return { allowed: true, remaining: limit - live.length - 1, retryAfterMs: 0 };
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          continue; // another process took that slot first
        }
      }
      const expired = slots.find((s) => s.expiresAt.getTime() <= now)!;
      const result = await this.repo.update({ limitKey, slot: expired.slot, expiresAt: expired.expiresAt }, { expiresAt });
      if (result.affected === 1) return { allowed: true, remaining: limit - live.length - 1, retryAfterMs: 0 };
    }
    const now = this.clock.nowMs();
    return refused((await this.slots(limitKey, limit)).filter((s) => s.expiresAt.getTime() > now), now);
  }

  async peek(key: string, limit: number, _windowMs: number): Promise<RateLimitDecision> {
    const now = this.clock.nowMs();
    const live = (await this.slots(storedKey(key), limit)).filter((s) => s.expiresAt.getTime() > now);
    return live.length >= limit ? refused(live, now) : { allowed: true, remaining: limit - live.length, retryAfterMs: 0 };
  }

  async reset(key: string): Promise<void> {
    await this.repo.delete({ limitKey: storedKey(key) });
  }

  /** The key's slots below `limit` (slots above it are left over from a larger limit and ignored). */
  private async slots(limitKey: string, limit: number): Promise<RateLimitSlotEntity[]> {
    const rows = await this.repo.find({ where: { limitKey } });
    return rows.filter((row) => row.slot < limit);
  }

  /** Expired slots are free anyway; removing them keeps the table to the keys active now. */
  private async sweep(): Promise<void> {
    const now = this.clock.nowMs();
    if (now - this.lastSweepMs < SWEEP_EVERY_MS && now >= this.lastSweepMs) return;
    this.lastSweepMs = now;
    await this.repo.delete({ expiresAt: LessThanOrEqual(new Date(now)) });
  }
}

function refused(live: RateLimitSlotEntity[], now: number): RateLimitDecision {
  const soonest = Math.min(...live.map((s) => s.expiresAt.getTime()));
  return { allowed: false, remaining: 0, retryAfterMs: Math.max(0, soonest - now) };
}

/**
 * Keys are stored as given when they fit and MySQL's case- and trailing-space-insensitive
 * collation cannot merge two of them; otherwise a readable prefix plus a hash of the whole key.
 */
export function storedKey(key: string): string {
  if (key.length <= KEY_COLUMN_LENGTH && /^[a-z0-9:._@+\-]+$/.test(key)) return key;
  return `${key.slice(0, 60).toLowerCase().replace(/[^a-z0-9:._@+\-]/g, '_')}#${sha256Hex(key)}`;
}
