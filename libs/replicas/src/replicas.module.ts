import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InstanceCatalog } from '@spot/catalog';
import { Clock, IdGenerator, SafeModeSwitch, SPOT_CONFIG, SpotConfig } from '@spot/core';
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
import { ReplicaTimeouts } from './replica-timeouts';
import { LeftoverInstanceTermination } from './leftover-instance-termination';

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
    { provide: AgentRoleRegistration, inject: [AgentRegistry, ReplicaService, Clock], useFactory: (r: AgentRegistry, s: ReplicaService, c: Clock) => new AgentRoleRegistration(r, s, c) },
    {
      provide: ReplicaTimeouts,
      inject: [DataSource, TransactionRunner, AgentRegistry, ReplicaService, CommandTracker, SPOT_CONFIG, Clock],
      useFactory: (ds: DataSource, tx: TransactionRunner, registry: AgentRegistry, replicas: ReplicaService, commands: CommandTracker, config: SpotConfig, clock: Clock) =>
        new ReplicaTimeouts(ds, tx, registry, replicas, commands, { launchingSeconds: config.lifecycleTimeouts.replicaLaunchingSeconds, syncingSeconds: config.lifecycleTimeouts.replicaSyncingSeconds }, clock),
    },
    {
      provide: LeftoverInstanceTermination,
      inject: [TransactionRunner, AgentRegistry, ReplicaService, CommandTracker, SwitchRecorder, NotificationService, SystemEventLog, Clock, SPOT_CONFIG],
      useFactory: (
        tx: TransactionRunner,
        registry: AgentRegistry,
        replicas: ReplicaService,
        commands: CommandTracker,
        switches: SwitchRecorder,
        notifications: NotificationService,
        events: SystemEventLog,
        clock: Clock,
        config: SpotConfig,
      ) => new LeftoverInstanceTermination(tx, registry, replicas, commands, switches, notifications, events, clock, config.lifecycleTimeouts.leftoverTerminationGraceSeconds),
    },
    {
      provide: ReplicaCoordinator,
      inject: [DataSource, TransactionRunner, AgentRegistry, ReplicaService, ReplicaCostLedger, SafeModeSwitch],
      useFactory: (...deps: ConstructorParameters<typeof ReplicaCoordinator>) => new ReplicaCoordinator(...deps),
    },
  ],
  exports: [AgentRoleRegistration, ReplicaTimeouts, LeftoverInstanceTermination, ReplicaService, ReplicaCoordinator, ReplicaPoolSelector, ReplicaCostLedger],
})
export class ReplicasModule {}
