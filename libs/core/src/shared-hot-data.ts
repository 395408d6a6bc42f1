import { RateLimiter } from './rate-limiter';
import { SignalBus } from './signal-bus';
import { CacheFactory } from './ttl-cache';

/**
 * Hot data shared by every process (issue 15): provided by libs/redis RedisModule only when
 * REDIS_URL is set. CoreModule (caches, signal bus) and PersistenceModule (rate limiter) inject it
 * optionally and wrap their own adapter with it, which stays the fallback while Redis is down.
 */
export abstract class SharedHotData {
  /** Caches kept in Redis; `local` answers while Redis is unreachable. */
  abstract caches(local: CacheFactory): CacheFactory;
  /** A limiter counted in Redis; `fallback` (the database) counts while Redis is unreachable. */
  abstract rateLimiter(fallback: RateLimiter): RateLimiter;
  /** A bus reaching every process; `local` is this process's own. */
  abstract signalBus(local: SignalBus): SignalBus;
  /** ok: Redis answers; degraded: the fallbacks serve (reported by /health). */
  abstract health(): Promise<{ status: 'ok' | 'degraded'; error?: string }>;
}
