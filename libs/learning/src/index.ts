export { estimatePoolRisk, DEFAULT_RISK_MODEL, NO_EVIDENCE } from './risk/pool-risk-posterior';
export type { PoolEvidence, PoolRiskEstimate, RiskModelPolicy } from './risk/pool-risk-posterior';
export { PoolEvidenceSource, InMemoryPoolEvidence } from './risk/pool-evidence';
export { DatabasePoolEvidence, EVIDENCE_WINDOW_MS } from './risk/database-pool-evidence';
export { LearnedEngine, DEFAULT_LEARNED_POLICY } from './engine/learned-engine';
export type { LearnedPolicy } from './engine/learned-engine';
