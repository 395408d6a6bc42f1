import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock';
import { SpotConfig } from './config';
import { CryptoIdGenerator, IdGenerator } from './ids';
import { StructuredLogger } from './logging/structured-logger';
import { SharedHotData } from './shared-hot-data';
import { InProcessSignalBus, SignalBus } from './signal-bus';
import { CacheFactory, InMemoryCacheFactory } from './ttl-cache';

export const SPOT_CONFIG = Symbol('SPOT_CONFIG');

/**
 * Process-wide ports: configuration, clock, randomness, logger, caches. The RateLimiter port is
 * provided by PersistenceModule (a limit is shared by every process, DESIGN.md §9).
 * Tests override Clock and IdGenerator; everything else derives from them.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: SpotConfig, options: { component: string; logger?: StructuredLogger }): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: SPOT_CONFIG, useValue: config },
        { provide: Clock, useClass: SystemClock },
        { provide: IdGenerator, useFactory: (clock: Clock) => new CryptoIdGenerator(clock), inject: [Clock] },
        {
          provide: StructuredLogger,
          useFactory: (clock: Clock) =>
            options.logger ??
            new StructuredLogger({ level: config.logging.level, format: config.logging.format, clock, defaultComponent: options.component }),
          inject: [Clock],
        },
        // Redis when RedisModule (REDIS_URL) is there, with the in-process cache/bus as the fallback.
        {
          provide: CacheFactory,
          useFactory: (clock: Clock, shared?: SharedHotData) => {
            const local = new InMemoryCacheFactory(clock);
            return shared ? shared.caches(local) : local;
          },
          inject: [Clock, { token: SharedHotData, optional: true }],
        },
        {
          provide: SignalBus,
          useFactory: (shared?: SharedHotData) => (shared ? shared.signalBus(new InProcessSignalBus()) : new InProcessSignalBus()),
          inject: [{ token: SharedHotData, optional: true }],
        },
      ],
      exports: [SPOT_CONFIG, Clock, IdGenerator, StructuredLogger, CacheFactory, SignalBus],
    };
  }
}
