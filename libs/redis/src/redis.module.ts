import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Clock, SharedHotData, SpotConfig, StructuredLogger } from '@spot/core';
import { RedisConnection } from './redis-connection';
import { RedisHotData } from './redis-hot-data';

class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(RedisConnection) private readonly connection: RedisConnection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

/**
 * Imported by the API and scheduler apps only when REDIS_URL is set: provides SharedHotData,
 * which CoreModule (caches, signal bus) and PersistenceModule (rate limiter) pick up. Start-up
 * does not wait for Redis: until it answers, everything runs on the fallbacks.
 */
@Global()
@Module({})
export class RedisModule {
  static forRoot(config: SpotConfig): DynamicModule {
    const url = config.redis.url;
    if (!url) throw new Error('RedisModule needs REDIS_URL');
    return {
      module: RedisModule,
      providers: [
        {
          provide: RedisConnection,
          inject: [StructuredLogger],
          useFactory: (logger: StructuredLogger) => new RedisConnection({ url, keyPrefix: config.redis.keyPrefix, logger }),
        },
        RedisLifecycle,
        { provide: RedisHotData, inject: [RedisConnection, Clock], useFactory: (c: RedisConnection, clock: Clock) => new RedisHotData(c, clock) },
        { provide: SharedHotData, useExisting: RedisHotData },
      ],
      exports: [RedisConnection, RedisHotData, SharedHotData],
    };
  }
}
