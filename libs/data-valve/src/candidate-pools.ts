import { InstanceCatalog } from '@spot/catalog';
import { MarketPrices, PoolPricePoint } from './market-prices';
import { PoolDirectory } from './pool-directory';

/** A pool a workload could run in, with what it costs now. */
export interface CandidatePool {
  poolId: string;
  instanceType: string;
  region: string;
  az: string;
  /** The workload's own type (other AZs) rather than a similar type. */
  sameType: boolean;
  vcpu: number;
  memoryGiB: number;
  /** Latest clean spot price; null when the pool has no data yet. */
  spotPrice: number | null;
  priceAt: Date | null;
  priceSource: PoolPricePoint['source'] | null;
  priceConfidence: number | null;
  onDemandPrice: number | null;
}

export interface WorkloadPlacement {
  region: string;
  instanceType: string;
}

/**
 * Where a workload could move: pools of its own type and of similar types (same architecture,
 * at least its vCPU and memory, burstable only for burstable workloads: seeds 001 Day 5 and
 * 003) in its region, as far as prices have been seen for them. Used by the decision engine,
 * emergency fallback and the switching panel alike, so they agree on the candidates.
 */
export class CandidatePools {
  constructor(
    private readonly catalog: InstanceCatalog,
    private readonly pools: PoolDirectory,
    private readonly prices: MarketPrices,
  ) {}

  async forWorkload(workload: WorkloadPlacement): Promise<CandidatePool[]> {
    const types = this.catalog.similarTypes(workload.instanceType, workload.region);
    const known = await this.pools.forTypes(workload.region, types.map((t) => t.name));
    const latest = await this.prices.latest(known.map((p) => p.id));
    const order = new Map(types.map((t, i) => [t.name, i]));
    return known
      .map((pool) => {
        const info = types[order.get(pool.instanceType) as number];
        const price = latest.get(pool.id);
        return {
          poolId: pool.id,
          instanceType: pool.instanceType,
          region: pool.region,
          az: pool.az,
          sameType: pool.instanceType === workload.instanceType,
          vcpu: info.vcpu,
          memoryGiB: info.memoryGiB,
          spotPrice: price?.spotPrice ?? null,
          priceAt: price?.bucketStart ?? null,
          priceSource: price?.source ?? null,
          priceConfidence: price?.confidence ?? null,
          onDemandPrice: this.catalog.onDemandPrice(pool.region, pool.instanceType) ?? price?.onDemandPrice ?? null,
        };
      })
      .sort((a, b) => (order.get(a.instanceType) as number) - (order.get(b.instanceType) as number) || a.az.localeCompare(b.az));
  }
}
