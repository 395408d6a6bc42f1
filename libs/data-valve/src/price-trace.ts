// The trace parser lives in the pure @spot/price-trace lib, so the agent can load it without TypeORM.
export { parsePriceTrace, sampleStepTrace, countSampledObservations, regionOfAz } from '@spot/price-trace';
export type { PriceChange, SampledObservation } from '@spot/price-trace';
