export {
  MarketModel,
  HOUR_MS,
  INTERRUPTION_NOTICE_MS,
  REBALANCE_SHARE,
  REBALANCE_LEAD_MS,
  ELEVATED_ABOVE_MEDIAN,
  ELEVATED_HAZARD_FACTOR,
  MEDIAN_WINDOW_HOURS,
} from './market-model';
export type { MarketModelOptions, MarketPool, InterruptionEvent, PriceSegment, TracePriceChange, AdvisorBuckets } from './market-model';
export { advisorBucketsOf, loadMarketModel, SHIPPED_PRICE_TRACE } from './load';
export { hashString, uniform } from './seeded-random';
