import { Global, Module } from '@nestjs/common';
import { CacheFactory, Clock } from '@spot/core';
import { GlobalRiskTracker } from './global-risk-tracker';

/** One tracker per process (its state lives in the cache port, shared once that is Redis). */
@Global()
@Module({
  providers: [{ provide: GlobalRiskTracker, inject: [CacheFactory, Clock], useFactory: (c: CacheFactory, k: Clock) => new GlobalRiskTracker(c, k) }],
  exports: [GlobalRiskTracker],
})
export class GlobalRiskModule {}
