import { InstanceCatalog } from '@spot/catalog';
import { DomainError } from '@spot/core';
import { CandidatePool, CandidatePools } from '@spot/data-valve';
import { fallbackTiers, GlobalRiskTracker } from '@spot/global-risk';

export type PlacementTier = 'requested' | 'same-type-other-az' | 'other-type' | 'on-demand';

/** Where a replica (or emergency launch) goes. */
export interface ReplicaPlacement {
  /** null for on-demand capacity. */
  poolId: string | null;
  instanceType: string;
  az: string;
  mode: 'spot' | 'on-demand';
  hourlyPrice: number | null;
  tier: PlacementTier;
}

export interface PlacementRequest {
  region: string;
  instanceType: string;
  az: string;
  currentPoolId: string | null;
  /** cheapest: seed 004 Scenario 4 (manual); safest: SEF (lowest interruption risk, then price). */
  strategy: 'cheapest' | 'safest';
  poolId?: string | null;
  excludeZones?: string[];
}

/**
 * Chooses a replica's pool: never the current pool (so when the current pool is the cheapest,
 * the second cheapest wins), never a pool the global risk tracker has flagged, never an excluded
 * zone; then seed 003's fallback order (same type in another AZ, another type, on-demand).
 */
export class ReplicaPoolSelector {
  constructor(
    private readonly candidates: CandidatePools,
    private readonly risk: GlobalRiskTracker,
    private readonly catalog: InstanceCatalog,
  ) {}

  async choose(request: PlacementRequest): Promise<ReplicaPlacement> {
    const all = await this.candidates.forWorkload({ region: request.region, instanceType: request.instanceType });
    const flagged = await this.risk.flaggedAmong(all.map((c) => c.poolId));
    const excluded = new Set(request.excludeZones ?? []);
    if (request.poolId) return this.requested(request, request.poolId, all, flagged, excluded);

    const allowed = all.filter((c) => !excluded.has(c.az) && c.spotPrice !== null && (c.onDemandPrice === null || c.spotPrice < c.onDemandPrice));
    const tiers = fallbackTiers({ poolId: request.currentPoolId, instanceType: request.instanceType }, allowed, flagged);
    const first = tiers[0];
    if (!first) return this.onDemand(request, all, excluded);
    const ranked = request.strategy === 'cheapest' ? [...first.candidates].sort(byPrice) : await this.bySafety(first.candidates);
    const best = ranked[0];
    return { poolId: best.poolId, instanceType: best.instanceType, az: best.az, mode: 'spot', hourlyPrice: best.spotPrice, tier: first.tier };
  }

  private requested(request: PlacementRequest, poolId: string, all: CandidatePool[], flagged: Set<string>, excluded: Set<string>): ReplicaPlacement {
    const pool = all.find((c) => c.poolId === poolId);
    const field = (problem: string) => DomainError.invalid('INVALID_REPLICA_POOL', problem, [{ field: 'pool_id', problems: [problem] }]);
    if (!pool) throw field(`pool_id ${poolId} is not a known pool this workload can run in (${request.instanceType} or a similar type in ${request.region})`);
    if (poolId === request.currentPoolId) throw field(`pool_id ${poolId} is the primary's own pool; a replica must run elsewhere`);
    if (excluded.has(pool.az)) throw field(`pool_id ${poolId} lies in an excluded zone (${pool.az})`);
    if (flagged.has(poolId)) {
      throw DomainError.conflict('POOL_FLAGGED', `Pool ${poolId} had a spot interruption in the last 30 minutes; choose another pool or let the system choose`, { pool_id: poolId });
    }
    return { poolId, instanceType: pool.instanceType, az: pool.az, mode: 'spot', hourlyPrice: pool.spotPrice, tier: 'requested' };
  }

  /** No safe spot pool left: on-demand capacity of the same type, in another zone when one is allowed. */
  private onDemand(request: PlacementRequest, all: CandidatePool[], excluded: Set<string>): ReplicaPlacement {
    const az = excluded.has(request.az) ? (all.find((c) => !excluded.has(c.az))?.az ?? request.az) : request.az;
    return { poolId: null, instanceType: request.instanceType, az, mode: 'on-demand', hourlyPrice: this.catalog.onDemandPrice(request.region, request.instanceType) ?? null, tier: 'on-demand' };
  }

  /** Fewest interruptions seen lately (all clients), then the lower Spot Advisor bucket, then price. */
  private async bySafety(pools: CandidatePool[]): Promise<CandidatePool[]> {
    const scored = await Promise.all(
      pools.map(async (pool) => ({
        pool,
        interruptions: await this.risk.recentInterruptions(pool.poolId),
        bucket: this.catalog.advisorEntry(pool.region, pool.instanceType)?.bucket ?? 4,
      })),
    );
    scored.sort((a, b) => a.interruptions - b.interruptions || a.bucket - b.bucket || byPrice(a.pool, b.pool));
    return scored.map((s) => s.pool);
  }
}

const byPrice = (a: CandidatePool, b: CandidatePool) => (a.spotPrice as number) - (b.spotPrice as number) || a.poolId.localeCompare(b.poolId);
