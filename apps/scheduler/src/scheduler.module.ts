import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { CoreModule, SpotConfig, StructuredLogger } from '@spot/core';
import { CatalogModule } from '@spot/catalog';
import { DataValveModule } from '@spot/data-valve';
import { DecisionsModule } from '@spot/decisions';
import { LearningModule } from '@spot/learning';
import { GlobalRiskModule } from '@spot/global-risk';
import { IdentityModule } from '@spot/identity';
import { NotificationsModule } from '@spot/notifications';
import { PersistenceModule } from '@spot/persistence';
import { RedisModule } from '@spot/redis';
import { PriceListModule } from '@spot/price-list';
import { SentinelModule } from '@spot/sentinel';
import { JobRunner } from './job-runner';
import { CommandExpiryJob } from './jobs/command-expiry.job';
import { DecisionLoopJob } from './jobs/decision-loop.job';
import { PriceAggregationJob } from './jobs/price-aggregation.job';
import { PRICE_CONFIRMATION_SOURCE, PriceConfirmationJob, priceConfirmationSource } from './jobs/price-confirmation.job';
import { PriceGapFillJob } from './jobs/price-gap-fill.job';
import { PriceRetentionJob } from './jobs/price-retention.job';
import { RevokedTokenPurgeJob } from './jobs/revoked-token-purge.job';
import { SavingsSnapshotJob } from './jobs/savings-snapshot.job';
import { OnDemandPriceRefreshJob, SpotAdvisorRefreshJob } from './jobs/price-list.jobs';
import { EmergencyQueueJob, GrowthSnapshotJob, HealthMonitorJob, ReplicaCoordinatorJob } from './jobs/sentinel.jobs';
import { LeftoverTerminationJob, ReplicaTimeoutJob } from './jobs/instance-lifecycle.jobs';

export const SCHEDULED_JOBS = [
  RevokedTokenPurgeJob,
  PriceGapFillJob,
  PriceAggregationJob,
  PriceRetentionJob,
  DecisionLoopJob,
  CommandExpiryJob,
  SavingsSnapshotJob,
  HealthMonitorJob,
  ReplicaCoordinatorJob,
  EmergencyQueueJob,
  GrowthSnapshotJob,
  ReplicaTimeoutJob,
  LeftoverTerminationJob,
  OnDemandPriceRefreshJob,
  SpotAdvisorRefreshJob,
  PriceConfirmationJob,
];

@Module({})
export class SchedulerModule {
  /** `withTimers: false` builds the jobs without starting their cron timers (tests run them by hand). */
  static forRoot(config: SpotConfig, logger?: StructuredLogger, options: { withTimers?: boolean } = {}): DynamicModule {
    return {
      module: SchedulerModule,
      imports: [
        CoreModule.forRoot(config, { component: 'WORK-SCHED', logger }),
        PersistenceModule.forRoot(),
        // Shared limits, caches and broadcasts when REDIS_URL is set (docs/architecture.md "Redis").
        ...(config.redis.url ? [RedisModule.forRoot(config)] : []),
        CatalogModule,
        GlobalRiskModule,
        IdentityModule,
        DataValveModule,
        NotificationsModule,
        SentinelModule,
        LearningModule,
        DecisionsModule,
        PriceListModule,
        ...(options.withTimers === false ? [] : [ScheduleModule.forRoot()]),
      ],
      providers: [
        JobRunner,
        ...SCHEDULED_JOBS,
        { provide: PRICE_CONFIRMATION_SOURCE, inject: [StructuredLogger], useFactory: (logger: StructuredLogger) => priceConfirmationSource(config, logger) },
      ],
    };
  }
}
