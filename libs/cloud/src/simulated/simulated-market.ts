import { SpotPricePoint } from '../cloud-provider';

/** A spot interruption the market has in store for one instance (times are the cloud clock's). */
export interface PlannedInterruption {
  /** The rebalance recommendation, when one precedes the notice. */
  rebalanceAt?: Date;
  /** When the instance is taken back; the 2-minute notice shows in IMDS before it. */
  actionAt: Date;
  action?: 'terminate' | 'stop' | 'hibernate';
}

/**
 * What the simulated cloud needs from a market: prices as a step function per pool, and the
 * interruptions a spot instance will meet. The market-model lib (trace replay, seeded
 * interruptions) provides the real one; tests use fixed ones.
 */
export interface SimulatedMarket {
  /** Spot price in force at `at` ($/h); undefined when the pool is not traded then. */
  spotPrice(instanceType: string, az: string, at: Date): number | undefined;
  /** Price changes of the pool in [from, to], the one in force at `from` first. */
  priceChanges(instanceType: string, az: string, from: Date, to: Date): SpotPricePoint[];
  /** The zones where this type trades. */
  zonesOf(instanceType: string): string[];
  /** The interruption of a spot instance launched now in the pool, if any comes. */
  interruptionFor?(instance: { instanceId: string; instanceType: string; az: string; launchedAt: Date }): PlannedInterruption | undefined;
}
