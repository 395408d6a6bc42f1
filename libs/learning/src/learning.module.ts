import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, IdGenerator, SignalBus, SPOT_CONFIG, SpotConfig } from '@spot/core';
import { DataValveModule, MarketPrices } from '@spot/data-valve';
import { ACTIVE_DECISION_ENGINE } from '@spot/decisions';
import { InterruptionHistory } from '@spot/global-risk';
import { SystemEventLog, TransactionRunner } from '@spot/persistence';
import { LearnedEngine } from './engine/learned-engine';
import { ActiveModelEngine } from './models/active-model-engine';
import { ModelRegistry } from './models/model-registry';
import { DatabasePoolEvidence } from './risk/database-pool-evidence';
import { PoolEvidenceSource } from './risk/pool-evidence';

/**
 * Learning: the learned risk engine (evidence from this deployment's interruptions), uploaded
 * ONNX models and their registry, and the active engine that serves whichever is live. Global:
 * it provides ACTIVE_DECISION_ENGINE, which the one DecisionsModule instance picks up wherever
 * it is imported (the API, the scheduler, replicas). Needs the global GlobalRiskModule.
 */
@Global()
@Module({
  imports: [DataValveModule],
  providers: [
    {
      provide: PoolEvidenceSource,
      inject: [DataSource, InterruptionHistory, MarketPrices],
      useFactory: (ds: DataSource, history: InterruptionHistory, prices: MarketPrices) => new DatabasePoolEvidence(ds, history, prices),
    },
    { provide: LearnedEngine, inject: [PoolEvidenceSource], useFactory: (evidence: PoolEvidenceSource) => new LearnedEngine(evidence) },
    { provide: ActiveModelEngine, inject: [DataSource, LearnedEngine, Clock, SignalBus], useFactory: (ds: DataSource, learned: LearnedEngine, clock: Clock, bus: SignalBus) => new ActiveModelEngine(ds, learned, clock, bus) },
    {
      provide: ModelRegistry,
      inject: [DataSource, TransactionRunner, ActiveModelEngine, SystemEventLog, Clock, IdGenerator, SPOT_CONFIG],
      useFactory: (ds: DataSource, tx: TransactionRunner, active: ActiveModelEngine, events: SystemEventLog, clock: Clock, ids: IdGenerator, config: SpotConfig) =>
        new ModelRegistry(ds, tx, active, events, clock, ids, config.models),
    },
    { provide: ACTIVE_DECISION_ENGINE, useExisting: ActiveModelEngine },
  ],
  exports: [PoolEvidenceSource, LearnedEngine, ActiveModelEngine, ModelRegistry, ACTIVE_DECISION_ENGINE],
})
export class LearningModule {}
