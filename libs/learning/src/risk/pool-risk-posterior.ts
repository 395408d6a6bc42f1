import { ADVISOR_BUCKET_MIDPOINTS } from '@spot/catalog';

/** What this deployment has seen of a pool (the learned engine's evidence). */
export interface PoolEvidence {
  /** Distinct instances of this deployment interrupted in the pool within the learning window. */
  interruptions: number;
  /** Hours this deployment's instances ran in the pool within the learning window. */
  exposureHours: number;
  /** The pool's typical price over the trailing 7 days (median or mean), null when unknown. */
  referencePrice: number | null;
}

export const NO_EVIDENCE: PoolEvidence = { interruptions: 0, exposureHours: 0, referencePrice: null };

export interface RiskModelPolicy {
  /** Weight of the Spot Advisor prior, in hours of exposure (720 h: the prior counts like a month of running there). */
  priorHours: number;
  /** Risk is the probability of an interruption within this many hours (720: the Advisor's monthly scale). */
  horizonHours: number;
  /** A price more than this factor above the reference price makes the pool "under pressure". */
  elevatedAbove: number;
  /** Hazard multiplier while under pressure. */
  elevatedFactor: number;
}

export const DEFAULT_RISK_MODEL: RiskModelPolicy = { priorHours: 720, horizonHours: 720, elevatedAbove: 1.1, elevatedFactor: 3 };

/** The Advisor's "monthly" rate is read as a 30-day month; unknown types get the middle bucket. */
const HOURS_PER_MONTH = 720;
const UNKNOWN_BUCKET = 2;
const BUCKET_LABELS = ['<5 %', '5–10 %', '10–15 %', '15–20 %', '>20 %'];

export interface PoolRiskEstimate {
  /** Posterior interruptions per instance-hour, with the price-trend factor. */
  hazardPerHour: number;
  /** Probability of an interruption within the horizon (0–1). */
  risk: number;
  /** The same from the Advisor prior alone. */
  priorRisk: number;
  /** 1, or the elevated factor when the price is above its reference. */
  trendFactor: number;
  /** How much of the estimate is this deployment's own evidence (0–1). */
  evidenceWeight: number;
  referencePrice: number | null;
  /** One sentence that explains the estimate. */
  readonly explanation: string;
}

const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;

/**
 * Interruption risk of a pool as a Gamma–Poisson posterior: the prior rate is the Spot Advisor
 * bucket's midpoint (−ln(1−r)/720 per hour) worth `priorHours` of exposure; every interruption
 * and every hour this deployment ran in the pool updates it:
 *   rate = (prior rate × priorHours + interruptions) / (priorHours + exposure hours).
 * While the pool's price is more than 10 % above its trailing reference, the rate is tripled
 * (capacity pressure shows in price first). Risk = 1 − e^(−rate × horizon).
 */
export function estimatePoolRisk(poolId: string, advisorBucket: number | null, evidence: PoolEvidence, price: number | null, policy: RiskModelPolicy = DEFAULT_RISK_MODEL): PoolRiskEstimate {
  const bucket = advisorBucket === null ? UNKNOWN_BUCKET : Math.min(4, Math.max(0, advisorBucket));
  const priorRate = -Math.log(1 - ADVISOR_BUCKET_MIDPOINTS[bucket]) / HOURS_PER_MONTH;
  const exposure = Math.max(0, evidence.exposureHours);
  const interruptions = Math.max(0, evidence.interruptions);
  const learnedRate = (priorRate * policy.priorHours + interruptions) / (policy.priorHours + exposure);
  const ratio = price !== null && evidence.referencePrice ? price / evidence.referencePrice : null;
  const trendFactor = ratio !== null && ratio > policy.elevatedAbove ? policy.elevatedFactor : 1;
  const hazardPerHour = learnedRate * trendFactor;
  const toRisk = (rate: number) => Math.round((1 - Math.exp(-rate * policy.horizonHours)) * 10_000) / 10_000;
  const risk = toRisk(hazardPerHour);
  const priorRisk = toRisk(priorRate);
  const evidenceWeight = exposure / (exposure + policy.priorHours);
  // Built on demand: an engine explains only the pools it talks about, and ranks many more.
  const explain = () => {
    const prior = `Advisor ${advisorBucket === null ? 'bucket unknown (middle assumed)' : BUCKET_LABELS[bucket]} prior ${pct(priorRisk)}`;
    const seen = `${interruptions} interruption${interruptions === 1 ? '' : 's'} in ${Math.round(exposure * 10) / 10} h run here`;
    const trend =
      ratio === null ? 'no 7-day reference price' : trendFactor > 1 ? `price ${pct(ratio - 1)} above its 7-day level: risk ×${policy.elevatedFactor}` : `price ${ratio >= 1 ? `${pct(ratio - 1)} above` : `${pct(1 - ratio)} below`} its 7-day level`;
    return `${poolId}: ${pct(risk)} interruption risk per ${Math.round(policy.horizonHours / 24)} days (${prior}; ${seen}; ${trend})`;
  };
  return {
    hazardPerHour,
    risk,
    priorRisk,
    trendFactor,
    evidenceWeight,
    referencePrice: evidence.referencePrice,
    get explanation() {
      return explain();
    },
  };
}
