import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { CoreModule, SpotConfig, StructuredLogger } from '@spot/core';
import { DataValveModule } from '@spot/data-valve';
import { IdentityModule } from '@spot/identity';
import { PersistenceModule } from '@spot/persistence';
import { JobRunner } from './job-runner';
import { PriceAggregationJob } from './jobs/price-aggregation.job';
import { PriceGapFillJob } from './jobs/price-gap-fill.job';
import { PriceRetentionJob } from './jobs/price-retention.job';
import { RevokedTokenPurgeJob } from './jobs/revoked-token-purge.job';

export const SCHEDULED_JOBS = [RevokedTokenPurgeJob, PriceGapFillJob, PriceAggregationJob, PriceRetentionJob];

@Module({})
export class SchedulerModule {
  /** `withTimers: false` builds the jobs without starting their cron timers (tests run them by hand). */
  static forRoot(config: SpotConfig, logger?: StructuredLogger, options: { withTimers?: boolean } = {}): DynamicModule {
    return {
      module: SchedulerModule,
      imports: [
        CoreModule.forRoot(config, { component: 'WORK-SCHED', logger }),
        PersistenceModule.forRoot(),
        IdentityModule,
        DataValveModule,
        ...(options.withTimers === false ? [] : [ScheduleModule.forRoot()]),
      ],
      providers: [JobRunner, ...SCHEDULED_JOBS],
    };
  }
}
