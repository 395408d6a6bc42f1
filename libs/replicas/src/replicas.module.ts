import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InstanceCatalog } from '@spot/catalog';
import { Clock, IdGenerator } from '@spot/core';
import { CommandTracker, CommandTrackerModule } from '@spot/command-tracker';
import { CandidatePools, DataValveModule } from '@spot/data-valve';
import { DecisionsModule, SwitchRecorder } from '@spot/decisions';
import { GlobalRiskTracker } from '@spot/global-risk';
import { AgentRegistry, IdentityModule } from '@spot/identity';
import { NotificationService } from '@spot/notifications';
import { SystemEventLog, TransactionRunner } from '@spot/persistence';
import { AgentRoleRegistration } from './agent-role-registration';
import { ReplicaPoolSelector } from './pool-selection';
import { ReplicaCoordinator } from './replica-coordinator';
import { ReplicaCostLedger } from './replica-cost-ledger';
import { ReplicaService } from './replica-service';

/**
 * Replica lifecycle and the manual-replica coordinator. Needs the global NotificationsModule,
 * GlobalRiskModule and CatalogModule from the importing app.
 */
@Module({
  imports: [IdentityModule, DataValveModule, CommandTrackerModule, DecisionsModule],
  providers: [
    {
      provide: ReplicaPoolSelector,
      inject: [CandidatePools, GlobalRiskTracker, InstanceCatalog],
      useFactory: (c: CandidatePools, r: GlobalRiskTracker, k: InstanceCatalog) => new ReplicaPoolSelector(c, r, k),
    },
    { provide: ReplicaCostLedger, inject: [DataSource, Clock, IdGenerator], useFactory: (ds: DataSource, c: Clock, i: IdGenerator) => new ReplicaCostLedger(ds, c, i) },
    {
      provide: ReplicaService,
      inject: [DataSource, TransactionRunner, AgentRegistry, ReplicaPoolSelector, CommandTracker, SwitchRecorder, ReplicaCostLedger, NotificationService, SystemEventLog, Clock, IdGenerator],
      useFactory: (...deps: ConstructorParameters<typeof ReplicaService>) => new ReplicaService(...deps),
    },
    { provide: AgentRoleRegistration, inject: [AgentRegistry, ReplicaService], useFactory: (r: AgentRegistry, s: ReplicaService) => new AgentRoleRegistration(r, s) },
    {
      provide: ReplicaCoordinator,
      inject: [DataSource, TransactionRunner, AgentRegistry, ReplicaService, ReplicaCostLedger],
      useFactory: (...deps: ConstructorParameters<typeof ReplicaCoordinator>) => new ReplicaCoordinator(...deps),
    },
  ],
  exports: [AgentRoleRegistration, ReplicaService, ReplicaCoordinator, ReplicaPoolSelector, ReplicaCostLedger],
})
export class ReplicasModule {}
