/**
 * The decision engines' I/O contract, v1.0 (seed 003 "ML Model Contracts"), extended with the
 * decision context every engine needs and a recommendation. Wire names are snake_case because
 * this is what external (ML) engines receive and answer.
 */
export const CONTRACT_VERSION = 'v1.0';

export type RecommendedAction = 'SAFE' | 'CAUTION' | 'AVOID';
export type RecommendationTarget = 'pool' | 'on-demand' | 'stay';

/** SAFE below 0.2, CAUTION from 0.2 to 0.5, AVOID above 0.5 (seed 003). */
export const ACTION_BANDS = { safeBelow: 0.2, avoidAbove: 0.5 } as const;

export function actionFor(probability: number): RecommendedAction {
  if (probability < ACTION_BANDS.safeBelow) return 'SAFE';
  if (probability <= ACTION_BANDS.avoidAbove) return 'CAUTION';
  return 'AVOID';
}

export interface WorkloadFeatures {
  agent_id: string;
  region: string;
  instance_type: string;
  availability_zone: string;
  mode: 'spot' | 'on-demand' | 'unknown';
  pool_id: string | null;
  vcpu: number | null;
  memory_gib: number | null;
  /** What the workload pays now, $/h (null when unknown). */
  current_price_per_h: number | null;
  /** On-demand price of the workload's own type: the baseline savings are measured against. */
  on_demand_price_per_h: number | null;
  /**
   * Where that price comes from, e.g. `aws-price-list (fetched 2026-12-01)` or `shipped-file`;
   * null when there is none. Engines name it in their reasons (issue 23).
   */
  on_demand_price_source?: string | null;
}

export interface CandidateFeatures {
  pool_id: string;
  instance_type: string;
  availability_zone: string;
  same_type: boolean;
  vcpu: number;
  memory_gib: number;
  spot_price: number | null;
  price_at: string | null;
  price_confidence: number | null;
  on_demand_price: number | null;
  /** Spot Advisor bucket 0 (<5 %) … 4 (>20 % interrupted a month); null when unknown. */
  advisor_bucket: number | null;
  advisor_interruption_rate: number | null;
  /** Coefficient of variation of the pool's clean prices over the last day. */
  volatility: number | null;
  price_samples: number;
  /** Interruptions seen in the pool over the last 7 days (all clients). */
  interruptions_7d: number;
  /** Flagged by the global risk tracker right now (seed 003 SVC-RISK-GLB). */
  flagged: boolean;
}

export interface DecisionInput {
  contract_version: typeof CONTRACT_VERSION;
  /** The seed-003 model features, of the workload's current type and AZ. */
  features: {
    instance_type: string;
    availability_zone: string;
    spot_price_history: number[];
    hour_of_day: number;
    day_of_week: number;
  };
  workload: WorkloadFeatures;
  candidates: CandidateFeatures[];
  last_switch_at: string | null;
  now: string;
}

export interface Recommendation {
  target: RecommendationTarget;
  /** Set when target is pool. */
  pool_id: string | null;
  /** current price − target price, $/h (negative when moving to on-demand costs more). */
  expected_savings_per_h: number;
  /** Interruption risk (0–1) of where the recommendation leads. */
  risk: number;
  reasons: string[];
}

export interface DecisionOutput {
  prediction_id: string;
  /** Probability (0–1) that the features' pool (the workload's type and AZ on spot) is interrupted. */
  interruption_probability: number;
  confidence_score: number;
  recommended_action: RecommendedAction;
  recommendation: Recommendation;
}

/** Token a global module provides to replace the rule-based engine as the active one. */
export const ACTIVE_DECISION_ENGINE = Symbol('ACTIVE_DECISION_ENGINE');

/** An engine behind the contract. Engines are pure: everything they know is in the input. */
export abstract class DecisionEngine {
  abstract readonly name: string;
  abstract readonly version: string;
  abstract decide(input: DecisionInput): DecisionOutput | Promise<DecisionOutput>;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isProbability = (v: unknown): v is number => isNumber(v) && v >= 0 && v <= 1;
const isInt = (v: unknown, min: number, max: number) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
const isIso = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const nonEmpty = (v: unknown, max = 255) => typeof v === 'string' && v.length > 0 && v.length <= max;
const orNull = <T>(check: (v: unknown) => v is T) => (v: unknown) => v === null || check(v);

/** Problems with an input, as `field: problem` strings (empty when it honours the contract). */
export function inputProblems(input: DecisionInput): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, field: string, problem: string) => {
    if (!ok) problems.push(`${field}: ${problem}`);
  };
  need(input?.contract_version === CONTRACT_VERSION, 'contract_version', `must be ${CONTRACT_VERSION}`);
  const f = input?.features;
  need(nonEmpty(f?.instance_type, 32), 'features.instance_type', 'must be an instance type');
  need(nonEmpty(f?.availability_zone, 32), 'features.availability_zone', 'must be an availability zone');
  need(Array.isArray(f?.spot_price_history) && f.spot_price_history.every((p) => isNumber(p) && p >= 0), 'features.spot_price_history', 'must be prices ≥ 0');
  need(isInt(f?.hour_of_day, 0, 23), 'features.hour_of_day', 'must be an integer 0–23');
  need(isInt(f?.day_of_week, 0, 6), 'features.day_of_week', 'must be an integer 0–6');
  const w = input?.workload;
  need(nonEmpty(w?.agent_id, 64), 'workload.agent_id', 'required');
  need(['spot', 'on-demand', 'unknown'].includes(w?.mode), 'workload.mode', 'must be spot, on-demand or unknown');
  need(orNull(isNumber)(w?.current_price_per_h ?? null), 'workload.current_price_per_h', 'must be a number or null');
  need(orNull(isNumber)(w?.on_demand_price_per_h ?? null), 'workload.on_demand_price_per_h', 'must be a number or null');
  need(Array.isArray(input?.candidates), 'candidates', 'must be a list');
  (Array.isArray(input?.candidates) ? input.candidates : []).forEach((c, i) => {
    need(nonEmpty(c?.pool_id, 128), `candidates[${i}].pool_id`, 'required');
    need(orNull(isNumber)(c?.spot_price ?? null) && (c?.spot_price ?? 0) >= 0, `candidates[${i}].spot_price`, 'must be a price ≥ 0 or null');
    need(orNull((v): v is number => isInt(v, 0, 4))(c?.advisor_bucket ?? null), `candidates[${i}].advisor_bucket`, 'must be 0–4 or null');
    need(isInt(c?.interruptions_7d, 0, Number.MAX_SAFE_INTEGER), `candidates[${i}].interruptions_7d`, 'must be a count');
    need(typeof c?.flagged === 'boolean', `candidates[${i}].flagged`, 'must be true or false');
  });
  need(input?.last_switch_at === null || isIso(input?.last_switch_at), 'last_switch_at', 'must be an ISO time or null');
  need(isIso(input?.now), 'now', 'must be an ISO time');
  return problems;
}

/** Problems with an engine's answer to `input` (empty when it honours the contract). */
export function outputProblems(output: DecisionOutput, input: DecisionInput): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, field: string, problem: string) => {
    if (!ok) problems.push(`${field}: ${problem}`);
  };
  if (output === null || typeof output !== 'object') return ['output: must be an object'];
  need(nonEmpty(output.prediction_id, 64), 'prediction_id', 'must be a string of 1–64 characters');
  need(isProbability(output.interruption_probability), 'interruption_probability', 'must be a number in [0, 1]');
  need(isProbability(output.confidence_score), 'confidence_score', 'must be a number in [0, 1]');
  need(['SAFE', 'CAUTION', 'AVOID'].includes(output.recommended_action), 'recommended_action', 'must be SAFE, CAUTION or AVOID');
  if (isProbability(output.interruption_probability) && ['SAFE', 'CAUTION', 'AVOID'].includes(output.recommended_action)) {
    need(output.recommended_action === actionFor(output.interruption_probability), 'recommended_action', `must be ${actionFor(output.interruption_probability)} for probability ${output.interruption_probability} (SAFE < 0.2 ≤ CAUTION ≤ 0.5 < AVOID)`);
  }
  const r = output.recommendation;
  if (!r || typeof r !== 'object') return [...problems, 'recommendation: required'];
  need(['pool', 'on-demand', 'stay'].includes(r.target), 'recommendation.target', 'must be pool, on-demand or stay');
  if (r.target === 'pool') {
    const candidate = input.candidates.find((c) => c.pool_id === r.pool_id);
    need(candidate !== undefined, 'recommendation.pool_id', 'must be one of the input candidates');
    need(!candidate?.flagged, 'recommendation.pool_id', 'must not be a flagged pool');
    need(candidate?.spot_price !== null, 'recommendation.pool_id', 'must be a pool with a known price');
  } else {
    need(r.pool_id === null || r.pool_id === undefined, 'recommendation.pool_id', 'must be null unless target is pool');
  }
  need(isNumber(r.expected_savings_per_h), 'recommendation.expected_savings_per_h', 'must be a number');
  need(isProbability(r.risk), 'recommendation.risk', 'must be a number in [0, 1]');
  need(Array.isArray(r.reasons) && r.reasons.length > 0 && r.reasons.every((x) => nonEmpty(x, 500)), 'recommendation.reasons', 'must be a non-empty list of strings');
  return problems;
}
