/** A pool a workload could move to, as seen by a selection policy. */
export interface FallbackCandidate {
  poolId: string;
  instanceType: string;
  az: string;
}

export type FallbackTier = 'same-type-other-az' | 'other-type';

/**
 * Seed 003's fallback when pools are flagged: another AZ of the same type first, then another
 * type (family), and on-demand when nothing is left. Returns the unflagged candidates grouped in
 * that order (the caller ranks within a tier by price and risk); an empty result means on-demand.
 */
export function fallbackTiers<T extends FallbackCandidate>(
  current: { poolId: string | null; instanceType: string },
  candidates: T[],
  flagged: ReadonlySet<string>,
): Array<{ tier: FallbackTier; candidates: T[] }> {
  const usable = candidates.filter((c) => c.poolId !== current.poolId && !flagged.has(c.poolId));
  const sameType = usable.filter((c) => c.instanceType === current.instanceType);
  const otherType = usable.filter((c) => c.instanceType !== current.instanceType);
  const tiers: Array<{ tier: FallbackTier; candidates: T[] }> = [];
  if (sameType.length > 0) tiers.push({ tier: 'same-type-other-az', candidates: sameType });
  if (otherType.length > 0) tiers.push({ tier: 'other-type', candidates: otherType });
  return tiers;
}
