export { PoolDirectory, spotPoolId } from './pool-directory';
export type { SpotPool } from './pool-directory';
export { MarketPrices } from './market-prices';
export type { PoolPricePoint } from './market-prices';
export { DataValveModule } from './data-valve.module';
