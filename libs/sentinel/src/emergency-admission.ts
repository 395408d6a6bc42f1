import { EntityManager } from 'typeorm';
import { RateLimiter } from '@spot/core';
import { AsyncMutex } from '@spot/persistence';

export interface EmergencyLimits {
  /** Capacity launches (emergency replicas, emergency launches) per interrupted pool per minute. */
  perPoolPerMinute: number;
  /** The same per client. */
  perClientPerMinute: number;
}

export const DEFAULT_EMERGENCY_LIMITS: EmergencyLimits = { perPoolPerMinute: 20, perClientPerMinute: 10 };

const WINDOW_MS = 60_000;

/**
 * Cascading-failure prevention (seed 000 Sentinel rate limiter): a mass interruption must not
 * stampede replacement launches. Launches admitted in the last minute are counted in the shared
 * RateLimiter (the database, or Redis), which takes a slot atomically: the bound holds across API
 * processes (two APIs once admitted 11 a minute, issue 22 finding 9) and restarts, and for the
 * queue drain. Decisions of one process are still serialised (one connection at a time here).
 * Promotions of ready replicas launch nothing and are never held back.
 */
export class EmergencyAdmission {
  private readonly mutex = new AsyncMutex();

  constructor(
    readonly limits: EmergencyLimits,
    private readonly limiter: RateLimiter,
  ) {}

  /** Runs `decide` alone among this process's admission decisions (the caller's transaction inside). */
  serialise<T>(decide: () => Promise<T>): Promise<T> {
    return this.mutex.run(decide);
  }

  /**
   * Takes one launch of both windows, or none; call inside serialise(). The caller's transaction is
   * not used: the limiter keeps its own rows. A pool slot lost to another process between the peek
   * and the hit leaves the client's slot spent, erring on the side of fewer launches.
   */
  async hasRoom(_manager: EntityManager, clientId: string, poolId: string | null): Promise<boolean> {
    const pool = poolId ? `emergency-pool:${poolId}` : null;
    if (pool && !(await this.limiter.peek(pool, this.limits.perPoolPerMinute, WINDOW_MS)).allowed) return false;
    if (!(await this.limiter.hit(`emergency-client:${clientId}`, this.limits.perClientPerMinute, WINDOW_MS)).allowed) return false;
    return pool === null || (await this.limiter.hit(pool, this.limits.perPoolPerMinute, WINDOW_MS)).allowed;
  }
}
