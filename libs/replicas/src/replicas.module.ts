import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InstanceCatalog } from '@spot/catalog';
import { Clock, IdGenerator } from '@spot/core';
import { CandidatePools, DataValveModule } from '@spot/data-valve';
import { GlobalRiskTracker } from '@spot/global-risk';
import { AgentRegistry, IdentityModule } from '@spot/identity';
import { NotificationService } from '@spot/notifications';
import { SystemEventLog, TransactionRunner } from '@spot/persistence';
import { ReplicaPoolSelector } from './pool-selection';
import { FailoverSwitchRecorder, ReplicaCommandQueue } from './ports';
import { ReplicaCoordinator } from './replica-coordinator';
import { ReplicaCostLedger } from './replica-cost-ledger';
import { ReplicaService } from './replica-service';

/**
 * Replica lifecycle and the manual-replica coordinator. Needs, from the importing app,
 * ReplicaCommandQueue and FailoverSwitchRecorder (see ports.ts), NotificationsModule,
 * GlobalRiskModule and CatalogModule (global modules).
 */
@Module({
  imports: [IdentityModule, DataValveModule],
  providers: [
    {
      provide: ReplicaPoolSelector,
      inject: [CandidatePools, GlobalRiskTracker, InstanceCatalog],
      useFactory: (c: CandidatePools, r: GlobalRiskTracker, k: InstanceCatalog) => new ReplicaPoolSelector(c, r, k),
    },
    { provide: ReplicaCostLedger, inject: [DataSource, Clock, IdGenerator], useFactory: (ds: DataSource, c: Clock, i: IdGenerator) => new ReplicaCostLedger(ds, c, i) },
    {
      provide: ReplicaService,
      inject: [DataSource, TransactionRunner, AgentRegistry, ReplicaPoolSelector, ReplicaCommandQueue, FailoverSwitchRecorder, ReplicaCostLedger, NotificationService, SystemEventLog, Clock, IdGenerator],
      useFactory: (...deps: ConstructorParameters<typeof ReplicaService>) => new ReplicaService(...deps),
    },
    {
      provide: ReplicaCoordinator,
      inject: [DataSource, TransactionRunner, AgentRegistry, ReplicaService, ReplicaCostLedger],
      useFactory: (...deps: ConstructorParameters<typeof ReplicaCoordinator>) => new ReplicaCoordinator(...deps),
    },
  ],
  exports: [ReplicaService, ReplicaCoordinator, ReplicaPoolSelector, ReplicaCostLedger],
})
export class ReplicasModule {}
