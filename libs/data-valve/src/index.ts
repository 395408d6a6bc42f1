export { PoolDirectory, spotPoolId } from './pool-directory';
export type { SpotPool } from './pool-directory';
export { MarketPrices } from './market-prices';
export { priceStatsOf } from './market-prices';
export type { PoolPricePoint, PoolPriceStats } from './market-prices';
export { CandidatePools } from './candidate-pools';
export type { CandidatePool, WorkloadPlacement } from './candidate-pools';
export { DataValveModule } from './data-valve.module';
