// A pure lib (no database, no Nest): the agent's module graph loads it through @spot/market-model.
export { parsePriceTrace, sampleStepTrace, countSampledObservations, regionOfAz, TRACE_STEP_MS } from './price-trace';
export type { PriceChange, SampledObservation } from './price-trace';
