import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InstanceCatalog } from '@spot/catalog';
import { Clock, IdGenerator, RateLimiter, SPOT_CONFIG, SpotConfig } from '@spot/core';
import { CommandTracker, CommandTrackerModule } from '@spot/command-tracker';
import { DataValveModule, MarketPrices } from '@spot/data-valve';
import { GlobalRiskTracker, InterruptionHistory } from '@spot/global-risk';
import { AgentRegistry, FleetStatistics, IdentityModule } from '@spot/identity';
import { NotificationService } from '@spot/notifications';
import { DatabaseHealth, JobRunLog, SystemEventLog, TransactionRunner } from '@spot/persistence';
import { ReplicaService, ReplicasModule } from '@spot/replicas';
import { EmergencyAdmission } from './emergency-admission';
import { EmergencyFallback } from './emergency-fallback';
import { GrowthSnapshots } from './growth-snapshots';
import { HealthMonitor } from './health-monitor';
import { RebalanceRiskScorer } from './rebalance-risk';
import { SystemHealthReporter } from './system-health';

/**
 * Sentinel: health monitor, interruption intake with dedup and rate limiting, Smart Emergency
 * Fallback, growth snapshots and the system-health view. Needs the global CatalogModule,
 * GlobalRiskModule and NotificationsModule from the importing app.
 */
@Module({
  imports: [IdentityModule, DataValveModule, CommandTrackerModule, ReplicasModule],
  providers: [
    {
      provide: RebalanceRiskScorer,
      inject: [InterruptionHistory, MarketPrices, InstanceCatalog],
      useFactory: (h: InterruptionHistory, m: MarketPrices, c: InstanceCatalog) => new RebalanceRiskScorer(h, m, c),
    },
    {
      provide: EmergencyAdmission,
      inject: [Clock, SPOT_CONFIG, RateLimiter],
      useFactory: (clock: Clock, config: SpotConfig, limiter: RateLimiter) => new EmergencyAdmission(clock, config.emergencyLimits, limiter),
    },
    {
      provide: EmergencyFallback,
      inject: [DataSource, TransactionRunner, AgentRegistry, ReplicaService, RebalanceRiskScorer, GlobalRiskTracker, EmergencyAdmission, NotificationService, SystemEventLog, Clock, IdGenerator],
      useFactory: (...deps: ConstructorParameters<typeof EmergencyFallback>) => new EmergencyFallback(...deps),
    },
    {
      provide: HealthMonitor,
      inject: [DataSource, AgentRegistry, NotificationService, Clock, IdGenerator],
      useFactory: (...deps: ConstructorParameters<typeof HealthMonitor>) => new HealthMonitor(...deps),
    },
    { provide: GrowthSnapshots, inject: [DataSource, FleetStatistics, Clock], useFactory: (ds: DataSource, f: FleetStatistics, c: Clock) => new GrowthSnapshots(ds, f, c) },
    {
      provide: SystemHealthReporter,
      inject: [DataSource, DatabaseHealth, JobRunLog, FleetStatistics, CommandTracker, Clock],
      useFactory: (...deps: ConstructorParameters<typeof SystemHealthReporter>) => new SystemHealthReporter(...deps),
    },
  ],
  exports: [EmergencyFallback, HealthMonitor, GrowthSnapshots, SystemHealthReporter, ReplicasModule],
})
export class SentinelModule {}
