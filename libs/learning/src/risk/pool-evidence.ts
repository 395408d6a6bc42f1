import { PoolEvidence } from './pool-risk-posterior';

/**
 * Where the learned engine's evidence comes from: in the product, this deployment's
 * spot_interruption_events and instances (DatabasePoolEvidence); in the backtest, what the
 * simulated fleet has lived through so far.
 */
export abstract class PoolEvidenceSource {
  /** Evidence per pool as of `now` (pools without any are left out of the map). */
  abstract evidence(poolIds: string[], now: Date): Promise<Map<string, PoolEvidence>>;
}

/** Evidence held in memory, e.g. by a simulation that records exposure and interruptions as they happen. */
export class InMemoryPoolEvidence extends PoolEvidenceSource {
  private readonly byPool = new Map<string, PoolEvidence>();

  set(poolId: string, evidence: PoolEvidence): void {
    this.byPool.set(poolId, evidence);
  }

  async evidence(poolIds: string[]): Promise<Map<string, PoolEvidence>> {
    const found = new Map<string, PoolEvidence>();
    for (const id of poolIds) {
      const e = this.byPool.get(id);
      if (e) found.set(id, e);
    }
    return found;
  }
}
