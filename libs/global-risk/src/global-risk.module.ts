import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CacheFactory, Clock, SignalBus } from '@spot/core';
import { GlobalRiskTracker } from './global-risk-tracker';
import { InterruptionHistory } from './interruption-history';

/** One tracker per process; its flags live in the cache port and in the interruption log. */
@Global()
@Module({
  providers: [
    { provide: InterruptionHistory, inject: [DataSource], useFactory: (ds: DataSource) => new InterruptionHistory(ds) },
    {
      provide: GlobalRiskTracker,
      inject: [CacheFactory, Clock, InterruptionHistory, SignalBus],
      useFactory: (c: CacheFactory, k: Clock, h: InterruptionHistory, b: SignalBus) => new GlobalRiskTracker(c, k, h, b),
    },
  ],
  exports: [GlobalRiskTracker, InterruptionHistory],
})
export class GlobalRiskModule {}
