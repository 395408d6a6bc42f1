import { CandidateFeatures, DecisionInput } from '@spot/decisions';

/** A candidate pool of the m5.large family in eu-west-1 with a fresh price at `now`. */
export function candidate(poolId: string, spotPrice: number, now: string, overrides: Partial<CandidateFeatures> = {}): CandidateFeatures {
  const [family, size] = poolId.split('.');
  return {
    pool_id: poolId,
    instance_type: `${family}.${size}`,
    availability_zone: poolId.slice(poolId.lastIndexOf('.') + 1),
    same_type: `${family}.${size}` === 'm5.large',
    vcpu: 2,
    memory_gib: 8,
    spot_price: spotPrice,
    price_at: now,
    price_confidence: 1,
    on_demand_price: 0.107,
    advisor_bucket: 0,
    advisor_interruption_rate: 0.025,
    volatility: 0,
    price_samples: 12,
    interruptions_7d: 0,
    flagged: false,
    ...overrides,
  };
}

/** An m5.large workload (on-demand $0.107/h), on spot in `poolId` or on on-demand when null. */
export function workloadInput(now: string, poolId: string | null, candidates: CandidateFeatures[], lastSwitchAt: string | null = null): DecisionInput {
  const current = candidates.find((c) => c.pool_id === poolId);
  return {
    contract_version: 'v1.0',
    features: { instance_type: 'm5.large', availability_zone: 'eu-west-1a', spot_price_history: [0.035, 0.035, 0.035], hour_of_day: 12, day_of_week: 2 },
    workload: {
      agent_id: 'a0000000-0000-4000-8000-000000000001',
      region: 'eu-west-1',
      instance_type: 'm5.large',
      availability_zone: 'eu-west-1a',
      mode: poolId ? 'spot' : 'on-demand',
      pool_id: poolId,
      vcpu: 2,
      memory_gib: 8,
      current_price_per_h: poolId ? (current?.spot_price ?? null) : 0.107,
      on_demand_price_per_h: 0.107,
    },
    candidates,
    last_switch_at: lastSwitchAt,
    now,
  };
}
