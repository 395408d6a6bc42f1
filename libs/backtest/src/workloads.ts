import { InstanceCatalog } from '@spot/catalog';
import { MarketModel } from '@spot/market-model';

export interface CandidatePool {
  poolId: string;
  instanceType: string;
  az: string;
  sameType: boolean;
  vcpu: number;
  memoryGiB: number;
  onDemandPrice: number | null;
  advisorBucket: number | null;
  advisorRate: number | null;
}

export interface BacktestWorkload {
  /** The workload's own type; it starts on on-demand there. */
  instanceType: string;
  /** Its home AZ (the first AZ the trace prices its type in): the seed-003 features' pool. */
  az: string;
  vcpu: number;
  memoryGiB: number;
  /** The on-demand reference: the workload's own type. */
  onDemandPrice: number;
  /** Pools of its type and of similar types (catalog.similarTypes, as the rule engine's CandidatePools), in the trace. */
  candidates: CandidatePool[];
}

/**
 * One workload per instance type in the trace, each needing its type's vCPU, memory and
 * architecture; similar types are candidates exactly as CandidatePools offers them to the engines.
 * Types without an on-demand price or catalog entry cannot be measured and are left out.
 */
export function workloadsOf(market: MarketModel, catalog: InstanceCatalog, region: string): BacktestWorkload[] {
  const pools = market.pools();
  const types = [...new Set(pools.map((p) => p.instanceType))].sort();
  const workloads: BacktestWorkload[] = [];
  for (const type of types) {
    const info = catalog.get(type);
    const onDemandPrice = catalog.onDemandPrice(region, type);
    if (!info || onDemandPrice === undefined) continue;
    const similar = catalog.similarTypes(type, region);
    const order = new Map(similar.map((t, i) => [t.name, i]));
    const candidates = pools
      .filter((p) => order.has(p.instanceType))
      .sort((a, b) => (order.get(a.instanceType) as number) - (order.get(b.instanceType) as number) || a.az.localeCompare(b.az))
      .map((p): CandidatePool => {
        const t = similar[order.get(p.instanceType) as number];
        const advisor = catalog.advisorEntry(region, p.instanceType);
        return {
          poolId: p.poolId,
          instanceType: p.instanceType,
          az: p.az,
          sameType: p.instanceType === type,
          vcpu: t.vcpu,
          memoryGiB: t.memoryGiB,
          onDemandPrice: catalog.onDemandPrice(region, p.instanceType) ?? null,
          advisorBucket: advisor?.bucket ?? null,
          advisorRate: advisor?.monthlyInterruptionRate ?? null,
        };
      });
    const home = pools.filter((p) => p.instanceType === type).sort((a, b) => a.az.localeCompare(b.az))[0];
    workloads.push({ instanceType: type, az: home.az, vcpu: info.vcpu, memoryGiB: info.memoryGiB, onDemandPrice, candidates });
  }
  return workloads;
}
