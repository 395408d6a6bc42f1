import { CacheFactory, Clock, RateLimiter, SharedHotData, SignalBus } from '@spot/core';
import { RedisCacheFactory } from './redis-cache';
import { RedisConnection, RedisStatus } from './redis-connection';
import { RedisRateLimiter } from './redis-rate-limiter';
import { RedisSignalBus } from './redis-signal-bus';

/** SharedHotData on one Redis connection: what CoreModule and PersistenceModule wrap their adapters with. */
export class RedisHotData extends SharedHotData {
  private bus: RedisSignalBus | undefined;

  constructor(
    readonly connection: RedisConnection,
    private readonly clock: Clock,
  ) {
    super();
  }

  caches(local: CacheFactory): CacheFactory {
    return new RedisCacheFactory(this.connection, local);
  }

  rateLimiter(fallback: RateLimiter): RateLimiter {
    return new RedisRateLimiter(this.connection, this.clock, fallback);
  }

  signalBus(local: SignalBus): SignalBus {
    this.bus ??= new RedisSignalBus(this.connection, local);
    return this.bus;
  }

  /** Resolves once the bus's channels are subscribed in Redis. */
  async whenSubscribed(): Promise<void> {
    await this.bus?.whenSubscribed();
  }

  health(): Promise<{ status: RedisStatus; error?: string }> {
    return this.connection.health();
  }
}
