import { CandidateFeatures, DecisionInput, WorkloadFeatures } from './contract';

/**
 * The pools any engine may move a workload to: not flagged by the global risk tracker, not
 * where it runs now, with a price fresh enough to act on, and at least the workload's vCPU and
 * memory. Shared so every engine answers the same question about where a workload may go.
 */
export function movableCandidates(input: DecisionInput, maxPriceAgeMinutes: number): CandidateFeatures[] {
  const now = Date.parse(input.now);
  const w = input.workload;
  return input.candidates.filter(
    (c) =>
      !c.flagged &&
      c.pool_id !== w.pool_id &&
      c.spot_price !== null &&
      c.price_at !== null &&
      now - Date.parse(c.price_at) <= maxPriceAgeMinutes * 60_000 &&
      (w.vcpu === null || c.vcpu >= w.vcpu) &&
      (w.memory_gib === null || c.memory_gib >= w.memory_gib),
  );
}

/** The reason naming the flagged pools left out (first ten), or null when none is flagged. */
export function flaggedPoolsReason(candidates: CandidateFeatures[]): string | null {
  const flagged = candidates.filter((c) => c.flagged);
  if (flagged.length === 0) return null;
  const named = flagged.slice(0, 10).map((c) => c.pool_id).join(', ');
  return `${flagged.length} flagged pool${flagged.length === 1 ? '' : 's'} left out (interrupted recently): ${named}${flagged.length > 10 ? ', …' : ''}`;
}

/**
 * The reason naming the on-demand baseline and its source, or saying there is none: a workload
 * without an on-demand price is never a silent "stay" (issue 23).
 */
export function onDemandBaselineReason(w: WorkloadFeatures): string {
  if (w.on_demand_price_per_h === null) return `no on-demand price for ${w.instance_type} in ${w.region}: savings cannot be measured, so no move to spot`;
  const source = w.on_demand_price_source ? ` from ${w.on_demand_price_source}` : '';
  return `on-demand price of ${w.instance_type} in ${w.region}: $${w.on_demand_price_per_h.toFixed(4)}/h${source}`;
}
