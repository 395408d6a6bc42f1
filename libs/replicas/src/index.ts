export { ReplicaService, LIVE_STATUSES } from './replica-service';
export type { CreateReplicaInput, CreatedReplica, PromoteOptions, PromotionResult, SyncReport, PromotionListener } from './replica-service';
export { ReplicaPoolSelector } from './pool-selection';
export type { ReplicaPlacement, PlacementRequest, PlacementTier } from './pool-selection';
export { ReplicaCoordinator } from './replica-coordinator';
export type { CoordinatorReport } from './replica-coordinator';
export { ReplicaCostLedger } from './replica-cost-ledger';
export { ReplicasModule } from './replicas.module';
