export { GlobalRiskTracker, RISK_FLAG_TTL_MS, RISK_FLAG_CHANNEL, INTERRUPTION_COUNT_WINDOW_MS } from './global-risk-tracker';
export type { PoolRiskFlag, PoolInterruption } from './global-risk-tracker';
export { fallbackTiers } from './fallback-order';
export type { FallbackCandidate, FallbackTier } from './fallback-order';
export { InterruptionHistory } from './interruption-history';
export { GlobalRiskModule } from './global-risk.module';
