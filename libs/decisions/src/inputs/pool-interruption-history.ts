import { GlobalRiskTracker } from '@spot/global-risk';

/**
 * How often each pool was interrupted recently: one of the three parts of a pool's risk.
 * A port, so the interruption log (spot_interruption_events) can answer it instead of the
 * global risk tracker's counters.
 */
export abstract class PoolInterruptionHistory {
  abstract countsSince(poolIds: string[], since: Date): Promise<Map<string, number>>;
}

/**
 * Counts from the global risk tracker, which keeps a 7-day window per pool across clients;
 * a `since` further back than that is answered with those 7 days.
 */
export class GlobalRiskInterruptionHistory extends PoolInterruptionHistory {
  constructor(private readonly tracker: GlobalRiskTracker) {
    super();
  }

  async countsSince(poolIds: string[], _since: Date): Promise<Map<string, number>> {
    const counts = await Promise.all(poolIds.map(async (id) => [id, await this.tracker.recentInterruptions(id)] as const));
    return new Map(counts);
  }
}
