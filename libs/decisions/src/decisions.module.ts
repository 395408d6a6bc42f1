import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InstanceCatalog } from '@spot/catalog';
import { Clock, IdGenerator } from '@spot/core';
import { AgentRegistry, ClientService, IdentityModule } from '@spot/identity';
import { SystemEventLog, TransactionRunner } from '@spot/persistence';
import { SavingsLedger } from './savings/savings-ledger';
import { SwitchRecorder } from './switches/switch-recorder';

/**
 * Decisions: engines behind one contract, the decision loop, switch recording and the client's
 * savings. Owns agent_decision_history, switches and savings_snapshots.
 */
@Module({
  imports: [IdentityModule],
  providers: [
    {
      provide: SavingsLedger,
      inject: [DataSource, AgentRegistry, ClientService, Clock],
      useFactory: (...deps: ConstructorParameters<typeof SavingsLedger>) => new SavingsLedger(...deps),
    },
    {
      provide: SwitchRecorder,
      inject: [TransactionRunner, AgentRegistry, InstanceCatalog, SavingsLedger, SystemEventLog, Clock, IdGenerator],
      useFactory: (...deps: ConstructorParameters<typeof SwitchRecorder>) => new SwitchRecorder(...deps),
    },
  ],
  exports: [SavingsLedger, SwitchRecorder],
})
export class DecisionsModule {}
