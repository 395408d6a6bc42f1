import { actionFor, CandidateFeatures, DecisionInput, outputProblems, poolRisk, RuleBasedEngine } from '@spot/decisions';

const NOW = '2026-11-24T12:00:00.000Z';
const minutesAgo = (m: number) => new Date(Date.parse(NOW) - m * 60_000).toISOString();
const M5_LARGE_OD = 0.107;

function pool(poolId: string, overrides: Partial<CandidateFeatures> = {}): CandidateFeatures {
  const cut = poolId.lastIndexOf('.');
  const type = poolId.slice(0, cut);
  return {
    pool_id: poolId,
    instance_type: type,
    availability_zone: poolId.slice(cut + 1),
    same_type: type === 'm5.large',
    vcpu: 2,
    memory_gib: 8,
    spot_price: 0.03,
    price_at: minutesAgo(5),
    price_confidence: 1,
    on_demand_price: M5_LARGE_OD,
    advisor_bucket: 0,
    advisor_interruption_rate: 0.025,
    volatility: 0.01,
    price_samples: 12,
    interruptions_7d: 0,
    flagged: false,
    ...overrides,
  };
}

interface Situation {
  mode?: 'spot' | 'on-demand';
  poolId?: string | null;
  currentPrice?: number | null;
  onDemand?: number;
  lastSwitchMinutesAgo?: number;
  candidates: CandidateFeatures[];
}

function inputFor(s: Situation): DecisionInput {
  const mode = s.mode ?? 'on-demand';
  const poolId = s.poolId ?? null;
  const az = poolId ? poolId.slice(poolId.lastIndexOf('.') + 1) : 'eu-west-1a';
  return {
    contract_version: 'v1.0',
    features: { instance_type: 'm5.large', availability_zone: az, spot_price_history: [0.031, 0.03, 0.032], hour_of_day: 12, day_of_week: 2 },
    workload: {
      agent_id: 'agent-1',
      region: 'eu-west-1',
      instance_type: 'm5.large',
      availability_zone: az,
      mode,
      pool_id: poolId,
      vcpu: 2,
      memory_gib: 8,
      current_price_per_h: s.currentPrice === undefined ? (mode === 'on-demand' ? (s.onDemand ?? M5_LARGE_OD) : null) : s.currentPrice,
      on_demand_price_per_h: s.onDemand ?? M5_LARGE_OD,
    },
    candidates: s.candidates,
    last_switch_at: s.lastSwitchMinutesAgo === undefined ? null : minutesAgo(s.lastSwitchMinutesAgo),
    now: NOW,
  };
}

const engine = new RuleBasedEngine();

interface Case {
  name: string;
  situation: Situation;
  target: 'pool' | 'on-demand' | 'stay';
  poolId?: string;
  reason?: RegExp;
}

const od = M5_LARGE_OD;
const CASES: Case[] = [
  // Savings thresholds (seed 001: "need 30%+ savings")
  { name: 'on-demand → spot when a low-risk pool saves 72 %', situation: { candidates: [pool('m5.large.eu-west-1a', { spot_price: 0.03 })] }, target: 'pool', poolId: 'm5.large.eu-west-1a', reason: /saves 72 %/ },
  { name: 'stays on-demand when the low-risk pool saves only 25 %', situation: { candidates: [pool('m5.large.eu-west-1a', { spot_price: od * 0.75 })] }, target: 'stay', reason: /saves 25 %, below 30 %/ },
  { name: 'switches at exactly 30 % savings and low risk', situation: { candidates: [pool('m5.large.eu-west-1a', { spot_price: od * 0.7 })] }, target: 'pool', poolId: 'm5.large.eu-west-1a' },
  // Risk bands (seed 001: 0–20 % switch, 20–50 % only if savings > 50 %, > 50 % stay on-demand)
  { name: 'medium risk with 45 % savings: stay', situation: { candidates: [pool('m5.large.eu-west-1b', { advisor_bucket: 2, spot_price: od * 0.55 })] }, target: 'stay', reason: /more than 50 % at medium risk/ },
  { name: 'medium risk with 60 % savings: switch', situation: { candidates: [pool('m5.large.eu-west-1b', { advisor_bucket: 2, spot_price: od * 0.4 })] }, target: 'pool', poolId: 'm5.large.eu-west-1b', reason: /at 21 % risk/ },
  { name: 'high risk with 80 % savings: stay on-demand', situation: { candidates: [pool('m5.large.eu-west-1b', { advisor_bucket: 4, interruptions_7d: 1, spot_price: od * 0.2 })] }, target: 'stay', reason: /risk is above 50 %/ },
  // Cool-down after each switch
  { name: 'cool-down: no move 10 min after a switch', situation: { lastSwitchMinutesAgo: 10, candidates: [pool('m5.large.eu-west-1a')] }, target: 'stay', reason: /cool-down: last switch 10 min ago, next move allowed in 20 min/ },
  { name: 'cool-down over after 31 min', situation: { lastSwitchMinutesAgo: 31, candidates: [pool('m5.large.eu-west-1a')] }, target: 'pool', poolId: 'm5.large.eu-west-1a' },
  // Flagged pools filtered out (seed 003 MOD-SPOT-01)
  {
    name: 'the cheapest pool is flagged: take the next one',
    situation: { candidates: [pool('m5.large.eu-west-1a', { spot_price: 0.02, flagged: true }), pool('m5.large.eu-west-1b', { spot_price: 0.032 })] },
    target: 'pool',
    poolId: 'm5.large.eu-west-1b',
    reason: /1 flagged pool left out .*m5\.large\.eu-west-1a/,
  },
  { name: 'every pool flagged: stay on-demand', situation: { candidates: [pool('m5.large.eu-west-1a', { flagged: true }), pool('m5.large.eu-west-1b', { flagged: true })] }, target: 'stay', reason: /no unflagged pool/ },
  // Similar instance types, not only other AZs (seeds 001 Day 5, 003 fallback to another family)
  {
    name: 'a similar type is cheaper than every AZ of the own type',
    situation: { candidates: [pool('m5.large.eu-west-1a', { spot_price: 0.07 }), pool('m5a.large.eu-west-1b', { spot_price: 0.028, same_type: false }), pool('m5.large.eu-west-1c', { spot_price: 0.069 })] },
    target: 'pool',
    poolId: 'm5a.large.eu-west-1b',
    reason: /similar type m5a\.large/,
  },
  {
    name: 'the own type flagged everywhere: fall back to another family',
    situation: { candidates: [pool('m5.large.eu-west-1a', { flagged: true }), pool('m5.large.eu-west-1b', { flagged: true }), pool('m6i.large.eu-west-1a', { spot_price: 0.033, same_type: false })] },
    target: 'pool',
    poolId: 'm6i.large.eu-west-1a',
  },
  { name: 'a cheaper type too small for the workload is ignored', situation: { candidates: [pool('c5.large.eu-west-1a', { memory_gib: 4, spot_price: 0.02, same_type: false }), pool('m5.large.eu-west-1b')] }, target: 'pool', poolId: 'm5.large.eu-west-1b' },
  // MOD-SPOT-01 score: price 0.6 / risk 0.4
  {
    name: 'a slightly dearer but much safer pool wins on score',
    situation: { candidates: [pool('m5.large.eu-west-1a', { spot_price: 0.03, advisor_bucket: 1, volatility: 0.07 }), pool('m5.large.eu-west-1b', { spot_price: 0.035, advisor_bucket: 0, volatility: 0 })] },
    target: 'pool',
    poolId: 'm5.large.eu-west-1b',
  },
  { name: 'stale prices are not acted on', situation: { candidates: [pool('m5.large.eu-west-1a', { price_at: minutesAgo(45) })] }, target: 'stay', reason: /no unflagged pool with a recent price/ },
  // Return to on-demand on high risk
  {
    name: 'spot pool turned high-risk and no safer pool: return to on-demand',
    situation: { mode: 'spot', poolId: 'm5.large.eu-west-1a', currentPrice: 0.03, candidates: [pool('m5.large.eu-west-1a', { advisor_bucket: 3, interruptions_7d: 2 }), pool('m5.large.eu-west-1b', { advisor_bucket: 4, interruptions_7d: 1 })] },
    target: 'on-demand',
    reason: /current pool risk 59 % is above 50 % and no safer pool qualifies: return to on-demand/,
  },
  {
    name: 'spot pool turned high-risk with a safe pool elsewhere: move there',
    situation: { mode: 'spot', poolId: 'm5.large.eu-west-1a', currentPrice: 0.03, candidates: [pool('m5.large.eu-west-1a', { advisor_bucket: 3, interruptions_7d: 2 }), pool('m5.large.eu-west-1c', { spot_price: 0.034 })] },
    target: 'pool',
    poolId: 'm5.large.eu-west-1c',
    reason: /moving to a safer pool/,
  },
  {
    name: 'current pool flagged: leave it even during the cool-down',
    situation: { mode: 'spot', poolId: 'm5.large.eu-west-1a', currentPrice: 0.03, lastSwitchMinutesAgo: 5, candidates: [pool('m5.large.eu-west-1a', { flagged: true })] },
    target: 'on-demand',
    reason: /is flagged/,
  },
  {
    name: 'spot barely cheaper than on-demand: return to on-demand',
    situation: { mode: 'spot', poolId: 'm5.large.eu-west-1a', currentPrice: 0.1, candidates: [pool('m5.large.eu-west-1a', { spot_price: 0.1 })] },
    target: 'on-demand',
    reason: /saves only 7 %/,
  },
  // Between spot pools (seed 001 Day 5: $0.12 → $0.35 here, $0.10 elsewhere)
  {
    name: 'Day 5: the current spot price jumped, another zone is much cheaper',
    situation: { mode: 'spot', poolId: 'm5.large.eu-west-1a', currentPrice: 0.35, onDemand: 0.5, candidates: [pool('m5.large.eu-west-1a', { spot_price: 0.35 }), pool('m5.large.eu-west-1b', { spot_price: 0.1 })] },
    target: 'pool',
    poolId: 'm5.large.eu-west-1b',
    reason: /\$0\.25\/h cheaper/,
  },
  { name: 'a 5 % cheaper pool is not worth a switch', situation: { mode: 'spot', poolId: 'm5.large.eu-west-1a', currentPrice: 0.03, candidates: [pool('m5.large.eu-west-1a'), pool('m5.large.eu-west-1b', { spot_price: 0.0285 })] }, target: 'stay', reason: /beats the current one by 10 %/ },
  { name: 'spot during the cool-down stays put', situation: { mode: 'spot', poolId: 'm5.large.eu-west-1a', currentPrice: 0.05, lastSwitchMinutesAgo: 2, candidates: [pool('m5.large.eu-west-1a', { spot_price: 0.05 }), pool('m5.large.eu-west-1b', { spot_price: 0.02 })] }, target: 'stay', reason: /cool-down/ },
];

describe('RuleBasedEngine on the seed scenarios', () => {
  it.each(CASES)('$name', ({ situation, target, poolId, reason }) => {
    const input = inputFor(situation);
    const output = engine.decide(input);
    expect(outputProblems(output, input)).toEqual([]);
    expect(output.recommendation.target).toBe(target);
    if (poolId) expect(output.recommendation.pool_id).toBe(poolId);
    if (reason) expect(output.recommendation.reasons.join(' | ')).toMatch(reason);
    expect(engine.decide(input)).toEqual(output); // pure: same input, same answer
  });

  it('answers the v1.0 contract for the workload pool: probability, confidence and SAFE/CAUTION/AVOID', () => {
    const input = inputFor({ mode: 'spot', poolId: 'm5.large.eu-west-1a', currentPrice: 0.03, candidates: [pool('m5.large.eu-west-1a', { advisor_bucket: 4, interruptions_7d: 1 })] });
    const output = engine.decide(input);
    expect(output).toMatchObject({ interruption_probability: 0.56, recommended_action: 'AVOID' });
    expect(output.prediction_id).toMatch(/^rb-[0-9a-f]{32}$/);
    expect(output.confidence_score).toBeGreaterThan(0.9);
    expect(output.recommendation).toMatchObject({ target: 'on-demand', risk: 0 });
    expect(output.recommendation.expected_savings_per_h).toBeCloseTo(0.03 - M5_LARGE_OD, 10);
  });

  it("judges the workload's own pool by its type's Advisor bucket when the pool has no data yet", () => {
    const output = engine.decide(inputFor({ candidates: [pool('m5.large.eu-west-1b', { advisor_bucket: 1 })] }));
    expect(output).toMatchObject({ interruption_probability: 0.12, recommended_action: 'SAFE' });
    expect(engine.decide(inputFor({ candidates: [] }))).toMatchObject({ interruption_probability: 0.2, recommended_action: 'CAUTION' });
  });

  it('expects savings per hour from the price difference', () => {
    const output = engine.decide(inputFor({ candidates: [pool('m5.large.eu-west-1a', { spot_price: 0.03 })] }));
    expect(output.recommendation.expected_savings_per_h).toBeCloseTo(M5_LARGE_OD - 0.03, 10);
    expect(output.recommendation.risk).toBe(0.05);
  });

  it('bands actions at SAFE < 0.2 ≤ CAUTION ≤ 0.5 < AVOID', () => {
    expect([0, 0.19, 0.2, 0.35, 0.5, 0.51, 1].map(actionFor)).toEqual(['SAFE', 'SAFE', 'CAUTION', 'CAUTION', 'CAUTION', 'AVOID', 'AVOID']);
  });

  it('combines the Advisor bucket, the pool history and price volatility into a risk', () => {
    expect(poolRisk({ advisor_bucket: 0, interruptions_7d: 0, volatility: 0, flagged: false }).risk).toBe(0.04);
    expect(poolRisk({ advisor_bucket: 1, interruptions_7d: 2, volatility: 0.05, flagged: false })).toEqual({ risk: 0.47, advisor: 0.12, history: 0.3, volatility: 0.05 });
    expect(poolRisk({ advisor_bucket: 4, interruptions_7d: 10, volatility: 2, flagged: false }).risk).toBe(1);
    expect(poolRisk({ advisor_bucket: null, interruptions_7d: 0, volatility: null, flagged: false }).risk).toBe(0.2);
    expect(poolRisk({ advisor_bucket: 0, interruptions_7d: 0, volatility: 0, flagged: true }).risk).toBe(1);
  });

  it('names the on-demand price and its source, and says so when there is none (issue 23)', () => {
    const priced = inputFor({ candidates: [pool('m5.large.eu-west-1b', { spot_price: 0.03 })] });
    priced.workload.on_demand_price_source = 'aws-price-list (fetched 2026-11-24)';
    const output = engine.decide(priced);
    expect(output.recommendation.target).toBe('pool');
    expect(output.recommendation.reasons[0]).toBe(`on-demand price of m5.large in eu-west-1: $${M5_LARGE_OD.toFixed(4)}/h from aws-price-list (fetched 2026-11-24)`);

    const unpriced = inputFor({ candidates: [pool('m5.large.eu-west-1b', { spot_price: 0.03 })] });
    unpriced.workload = { ...unpriced.workload, region: 'ap-south-2', instance_type: 'm7i.large', on_demand_price_per_h: null, current_price_per_h: null, on_demand_price_source: null };
    const stay = engine.decide(unpriced).recommendation;
    expect(stay.target).toBe('stay');
    expect(stay.reasons[0]).toBe('no on-demand price for m7i.large in ap-south-2: savings cannot be measured, so no move to spot');
  });
});
