import { GlobalRiskTracker } from '@spot/global-risk';

/**
 * How often each pool was interrupted recently: one of the three parts of a pool's risk.
 * A port, so the interruption log (spot_interruption_events) can answer it instead of the
 * global risk tracker's counters.
 */
export abstract class PoolInterruptionHistory {
  abstract countsSince(poolIds: string[], since: Date): Promise<Map<string, number>>;
}

/** Counts from the global risk tracker: the interruption log across clients (or, without it, the 7-day counters). */
export class GlobalRiskInterruptionHistory extends PoolInterruptionHistory {
  constructor(private readonly tracker: GlobalRiskTracker) {
    super();
  }

  countsSince(poolIds: string[], since: Date): Promise<Map<string, number>> {
    return this.tracker.interruptionCounts(poolIds, since);
  }
}
