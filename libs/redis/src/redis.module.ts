import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Clock, SharedHotData, SpotConfig, StructuredLogger } from '@spot/core';
import { RedisConnection } from './redis-connection';
import { RedisHotData } from './redis-hot-data';

/** Start-up waits this long for Redis, so a healthy start never splits counts between Redis and the database. */
const STARTUP_WAIT_MS = 3_000;

class RedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(RedisConnection) private readonly connection: RedisConnection) {}

  async onModuleInit(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    // Redis down at start-up: serve on the fallbacks rather than not at all.
    await Promise.race([this.connection.whenReady(), new Promise((resolve) => (timer = setTimeout(resolve, STARTUP_WAIT_MS)))]);
    clearTimeout(timer);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

/**
 * Imported by the API and scheduler apps only when REDIS_URL is set: provides SharedHotData,
 * which CoreModule (caches, signal bus) and PersistenceModule (rate limiter) pick up. Start-up
 * waits up to 3 s for Redis; if it does not answer, everything runs on the fallbacks until it does.
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
