import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InstanceCatalog } from '@spot/catalog';
import { CommandTracker, CommandTrackerModule } from '@spot/command-tracker';
import { CacheFactory, Clock, IdGenerator, SafeModeSwitch } from '@spot/core';
import { CandidatePools, DataValveModule, MarketPrices } from '@spot/data-valve';
import { GlobalRiskTracker } from '@spot/global-risk';
import { AgentRegistry, ClientService, IdentityModule } from '@spot/identity';
import { SystemEventLog, TransactionRunner } from '@spot/persistence';
import { DecisionService } from './decision-service';
import { ACTIVE_DECISION_ENGINE, DecisionEngine } from './engine/contract';
import { ContractEnforcer } from './engine/contract-enforcer';
import { RuleBasedEngine } from './engine/rule-based-engine';
import { DecisionInputs } from './inputs/decision-inputs';
import { GlobalRiskInterruptionHistory, PoolInterruptionHistory } from './inputs/pool-interruption-history';
import { DecisionLoop } from './loop/decision-loop';
import { SavingsLedger } from './savings/savings-ledger';
import { SwitchHistory } from './switches/switch-history';
import { SwitchRecorder } from './switches/switch-recorder';
import { ManualSwitchService } from './switches/manual-switch';

const factory = <T>(type: new (...args: never[]) => T, inject: unknown[]) => ({
  provide: type,
  inject: inject as never[],
  useFactory: (...deps: never[]) => new type(...deps),
});

/**
 * Decisions: engines behind one contract, the decision loop, switch recording and the client's
 * savings. Owns agent_decision_history, switches and savings_snapshots. Needs the global
 * CatalogModule and GlobalRiskModule in the application.
 *
 * The active engine is the `DecisionEngine` provider: whatever a global module provides as
 * ACTIVE_DECISION_ENGINE (learning's ActiveModelEngine in the apps), else the rule-based engine;
 * whatever it is, the contract enforcer falls back to the rule-based engine.
 */
@Module({
  imports: [IdentityModule, DataValveModule, CommandTrackerModule],
  providers: [
    { provide: RuleBasedEngine, useFactory: () => new RuleBasedEngine() },
    {
      provide: DecisionEngine,
      inject: [RuleBasedEngine, { token: ACTIVE_DECISION_ENGINE, optional: true }],
      useFactory: (rules: RuleBasedEngine, active?: DecisionEngine) => active ?? rules,
    },
    { provide: ContractEnforcer, inject: [RuleBasedEngine], useFactory: (rules: RuleBasedEngine) => new ContractEnforcer(rules) },
    { provide: PoolInterruptionHistory, inject: [GlobalRiskTracker], useFactory: (tracker: GlobalRiskTracker) => new GlobalRiskInterruptionHistory(tracker) },
    factory(DecisionInputs, [DataSource, InstanceCatalog, CandidatePools, MarketPrices, GlobalRiskTracker, PoolInterruptionHistory, AgentRegistry, Clock, CacheFactory]),
    factory(DecisionService, [DataSource, TransactionRunner, AgentRegistry, DecisionInputs, ContractEnforcer, DecisionEngine, CommandTracker, SystemEventLog, Clock, IdGenerator]),
    factory(DecisionLoop, [AgentRegistry, DecisionService, SystemEventLog, SafeModeSwitch]),
    factory(SavingsLedger, [DataSource, AgentRegistry, ClientService, Clock]),
    factory(SwitchRecorder, [TransactionRunner, AgentRegistry, InstanceCatalog, MarketPrices, SavingsLedger, SystemEventLog, Clock, IdGenerator]),
    factory(SwitchHistory, [DataSource]),
    factory(ManualSwitchService, [AgentRegistry, CandidatePools, InstanceCatalog, CommandTracker]),
  ],
  exports: [ManualSwitchService, CommandTrackerModule, DecisionService, DecisionLoop, SavingsLedger, SwitchRecorder, SwitchHistory, DecisionEngine, PoolInterruptionHistory],
})
export class DecisionsModule {}
