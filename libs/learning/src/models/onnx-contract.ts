import { CONTRACT_VERSION, DecisionInput } from '@spot/decisions';

/**
 * What an uploaded ONNX model must look like (model contract v1.0, on top of seed 003's I/O
 * contract): one float32 input named `features` of shape [N, 8], one row per pool, columns in
 * FEATURE_COLUMNS order; its first output holds N numbers (shape [N] or [N, 1]), each the
 * probability (0–1) that the pool is interrupted within 30 days. Row 0 is the seed-003 features'
 * pool (the workload's own), rows 1… the candidates, in input order.
 */
export const MODEL_INPUT_NAME = 'features';
export const FEATURE_COLUMNS = ['price_ratio', 'advisor_bucket', 'advisor_rate', 'volatility', 'interruptions_7d', 'flagged', 'hour_of_day', 'day_of_week'] as const;

export interface FeatureMatrix {
  poolIds: string[];
  data: Float32Array;
  rows: number;
}

/** The pools of an input as model rows (unknown values: price ratio 1, middle Advisor bucket). */
export function featureMatrix(input: DecisionInput): FeatureMatrix {
  const w = input.workload;
  const own = w.pool_id ?? `${w.instance_type}.${w.availability_zone}`;
  const history = input.features.spot_price_history;
  const ownCandidate = input.candidates.find((c) => c.pool_id === own);
  const rows = [
    ownCandidate ?? {
      pool_id: own,
      spot_price: history.length > 0 ? history[history.length - 1] : null,
      on_demand_price: w.on_demand_price_per_h,
      advisor_bucket: null,
      advisor_interruption_rate: null,
      volatility: null,
      interruptions_7d: 0,
      flagged: false,
    },
    ...input.candidates,
  ];
  const width = FEATURE_COLUMNS.length;
  const data = new Float32Array(rows.length * width);
  rows.forEach((c, i) => {
    const ratio = c.spot_price !== null && c.on_demand_price ? c.spot_price / c.on_demand_price : 1;
    data.set([ratio, c.advisor_bucket ?? 2, c.advisor_interruption_rate ?? 0.125, c.volatility ?? 0, c.interruptions_7d, c.flagged ? 1 : 0, input.features.hour_of_day, input.features.day_of_week], i * width);
  });
  return { poolIds: rows.map((r) => r.pool_id), data, rows: rows.length };
}

/** Problems with a model's answer for `rows` pools (empty when it honours the model contract). */
export function modelOutputProblems(values: ArrayLike<number> | null, dims: readonly number[] | null, rows: number): string[] {
  if (!values || !dims) return ['the model has no output'];
  const shapeOk = (dims.length === 1 && dims[0] === rows) || (dims.length === 2 && dims[0] === rows && dims[1] === 1);
  const problems: string[] = [];
  if (!shapeOk) problems.push(`output shape must be [${rows}] or [${rows}, 1], got [${dims.join(', ')}]`);
  const bad = Array.from(values).filter((v) => !Number.isFinite(v) || v < 0 || v > 1);
  if (bad.length > 0) problems.push(`output must be probabilities in [0, 1], got ${bad.slice(0, 3).join(', ')}`);
  return problems;
}

/** The contract's test vector: seed 003's example features (c5.xlarge, us-east-1a, [0.45, 0.42, 0.48], 14 h, Tuesday) with two candidate pools. */
export function contractTestVector(): DecisionInput {
  const now = '2026-01-06T14:00:00.000Z';
  const candidate = (az: string, price: number, bucket: number) => ({
    pool_id: `c5.xlarge.${az}`,
    instance_type: 'c5.xlarge',
    availability_zone: az,
    same_type: true,
    vcpu: 4,
    memory_gib: 8,
    spot_price: price,
    price_at: now,
    price_confidence: 1,
    on_demand_price: 1.7,
    advisor_bucket: bucket,
    advisor_interruption_rate: [0.025, 0.075, 0.125, 0.175, 0.25][bucket],
    volatility: 0.05,
    price_samples: 3,
    interruptions_7d: 0,
    flagged: false,
  });
  return {
    contract_version: CONTRACT_VERSION,
    features: { instance_type: 'c5.xlarge', availability_zone: 'us-east-1a', spot_price_history: [0.45, 0.42, 0.48], hour_of_day: 14, day_of_week: 2 },
    workload: {
      agent_id: 'contract-test-vector',
      region: 'us-east-1',
      instance_type: 'c5.xlarge',
      availability_zone: 'us-east-1a',
      mode: 'spot',
      pool_id: 'c5.xlarge.us-east-1a',
      vcpu: 4,
      memory_gib: 8,
      current_price_per_h: 0.48,
      on_demand_price_per_h: 1.7,
    },
    candidates: [candidate('us-east-1a', 0.48, 1), candidate('us-east-1b', 0.45, 0)],
    last_switch_at: null,
    now,
  };
}
