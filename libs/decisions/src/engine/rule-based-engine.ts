import { sha256Hex } from '@spot/core';
import { flaggedPoolsReason, movableCandidates, onDemandBaselineReason } from './candidate-filter';
import { actionFor, CandidateFeatures, DecisionEngine, DecisionInput, DecisionOutput, Recommendation } from './contract';

/** Thresholds of the rule-based engine (seed 001 "How the AI/ML model works", seed 003 MOD-SPOT-01). */
export interface RulePolicy {
  /** Go to spot only when it saves at least this share of on-demand (seed 001: 30 %). */
  minSavings: number;
  /** Medium-risk pools need more than this share (seed 001: 50 %). */
  mediumRiskMinSavings: number;
  /** Risk below this is low (seed 001 0–20 %, seed 003 SAFE < 0.2). */
  lowRiskBelow: number;
  /** Risk above this is high: stay on, or return to, on-demand (seed 001 50–100 %). */
  highRiskAbove: number;
  /** No opportunistic move this soon after the last switch ("have we switched too recently?"). */
  cooldownMinutes: number;
  /** Moving between spot pools must cut the current price by at least this share ("significantly better"). */
  minPoolImprovement: number;
  /** A spot workload saving less than this is moved back to on-demand ("price difference too small"). */
  returnToOnDemandBelowSavings: number;
  /** Prices older than this are not acted on. */
  maxPriceAgeMinutes: number;
  /** MOD-SPOT-01 score: price × 0.6 + risk × 0.4, lowest wins. */
  priceWeight: number;
  riskWeight: number;
}

export const DEFAULT_RULE_POLICY: RulePolicy = {
  minSavings: 0.3,
  mediumRiskMinSavings: 0.5,
  lowRiskBelow: 0.2,
  highRiskAbove: 0.5,
  cooldownMinutes: 30,
  minPoolImprovement: 0.1,
  returnToOnDemandBelowSavings: 0.15,
  maxPriceAgeMinutes: 30,
  priceWeight: 0.6,
  riskWeight: 0.4,
};

/** Risk contributed by the Spot Advisor bucket (<5 %, 5–10 %, 10–15 %, 15–20 %, >20 % a month). */
export const ADVISOR_BUCKET_RISK = [0.04, 0.12, 0.2, 0.28, 0.4] as const;
/** An unknown bucket counts as the middle one. */
const UNKNOWN_ADVISOR_RISK = 0.2;
/** Each interruption of the pool seen in the last 7 days adds this much, up to HISTORY_RISK_CAP. */
const RISK_PER_INTERRUPTION = 0.15;
const HISTORY_RISK_CAP = 0.6;
/** Price volatility (coefficient of variation) adds itself, up to VOLATILITY_RISK_CAP. */
const VOLATILITY_RISK_CAP = 0.3;

export interface PoolRisk {
  risk: number;
  advisor: number;
  history: number;
  volatility: number;
}

/** Interruption risk of a pool (0–1): Spot Advisor bucket + the pool's own interruptions + price volatility. */
export function poolRisk(candidate: Pick<CandidateFeatures, 'advisor_bucket' | 'interruptions_7d' | 'volatility' | 'flagged'>): PoolRisk {
  const advisor = candidate.advisor_bucket === null ? UNKNOWN_ADVISOR_RISK : ADVISOR_BUCKET_RISK[candidate.advisor_bucket];
  const history = Math.min(HISTORY_RISK_CAP, RISK_PER_INTERRUPTION * candidate.interruptions_7d);
  const volatility = Math.min(VOLATILITY_RISK_CAP, Math.max(0, candidate.volatility ?? 0));
  const risk = candidate.flagged ? 1 : Math.min(1, advisor + history + volatility);
  return { risk: round(risk, 4), advisor, history, volatility };
}

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;
const pct = (share: number) => `${Math.round(share * 100)} %`;
const usd = (value: number) => `$${round(value, 4)}/h`;

interface Evaluated {
  candidate: CandidateFeatures;
  price: number;
  risk: number;
  savings: number;
  score: number;
}

/**
 * The default engine (seed 001): spot only when it saves ≥ 30 % at low risk (> 50 % at medium
 * risk), never at high risk; pools scored price 0.6 / risk 0.4 with flagged pools left out (seed
 * 003 MOD-SPOT-01), similar instance types considered alongside other AZs; a cool-down after each
 * switch for opportunistic moves (leaving a pool that became dangerous is never delayed).
 * A pure function of its input: the same input always gives the same output.
 */
export class RuleBasedEngine extends DecisionEngine {
  readonly name = 'rule-based';
  readonly version = '1.0.0';

  constructor(private readonly policy: RulePolicy = DEFAULT_RULE_POLICY) {
    super();
  }

  decide(input: DecisionInput): DecisionOutput {
    const p = this.policy;
    const now = Date.parse(input.now);
    const w = input.workload;
    const baseline = w.on_demand_price_per_h;
    const reasons: string[] = [];

    const featurePoolId = w.pool_id ?? `${w.instance_type}.${w.availability_zone}`;
    const current = input.candidates.find((c) => c.pool_id === featurePoolId) ?? null;
    // Without data on its own pool, the workload's type still has a Spot Advisor bucket (any AZ of it).
    const sameType = input.candidates.find((c) => c.instance_type === w.instance_type && c.advisor_bucket !== null);
    const currentRisk = poolRisk(current ?? { advisor_bucket: sameType?.advisor_bucket ?? null, interruptions_7d: 0, volatility: null, flagged: false }).risk;

    reasons.push(onDemandBaselineReason(w));
    const flaggedReason = flaggedPoolsReason(input.candidates);
    if (flaggedReason) reasons.push(flaggedReason);

    const usable = movableCandidates(input, p.maxPriceAgeMinutes);
    const evaluated: Evaluated[] = baseline
      ? usable.map((candidate) => {
          const price = candidate.spot_price as number;
          const risk = poolRisk(candidate).risk;
          return { candidate, price, risk, savings: (baseline - price) / baseline, score: p.priceWeight * (price / baseline) + p.riskWeight * risk };
        })
      : [];
    const eligible = evaluated
      .filter((e) => e.risk <= p.highRiskAbove && (e.risk < p.lowRiskBelow ? e.savings >= p.minSavings : e.savings > p.mediumRiskMinSavings))
      .sort((a, b) => a.score - b.score || a.price - b.price || a.candidate.pool_id.localeCompare(b.candidate.pool_id));
    const best = eligible[0] ?? null;

    const currentPrice = w.current_price_per_h ?? (w.mode === 'on-demand' ? baseline : (current?.spot_price ?? null));
    const lastSwitch = input.last_switch_at ? Date.parse(input.last_switch_at) : null;
    const cooldownLeft = lastSwitch === null ? 0 : lastSwitch + p.cooldownMinutes * 60_000 - now;

    const toPool = (e: Evaluated, why: string): Recommendation => ({
      target: 'pool',
      pool_id: e.candidate.pool_id,
      expected_savings_per_h: currentPrice === null ? 0 : round(currentPrice - e.price, 6),
      risk: e.risk,
      reasons: [
        ...reasons,
        why,
        `${e.candidate.pool_id}${e.candidate.same_type ? '' : ` (similar type ${e.candidate.instance_type})`} at ${usd(e.price)} saves ${pct(e.savings)} of on-demand at ${pct(e.risk)} risk (score ${round(e.score, 4)}, best of ${eligible.length} eligible)`,
      ],
    });
    const toOnDemand = (why: string): Recommendation => ({
      target: 'on-demand',
      pool_id: null,
      expected_savings_per_h: currentPrice === null || baseline === null ? 0 : round(currentPrice - baseline, 6),
      risk: 0,
      reasons: [...reasons, why],
    });
    const stay = (why: string): Recommendation => ({ target: 'stay', pool_id: null, expected_savings_per_h: 0, risk: w.mode === 'spot' ? currentRisk : 0, reasons: [...reasons, why] });

    let recommendation: Recommendation;
    if (w.mode === 'spot') {
      const currentFlagged = current?.flagged === true;
      const savings = baseline && currentPrice !== null ? (baseline - currentPrice) / baseline : null;
      if (currentFlagged || currentRisk > p.highRiskAbove) {
        const why = currentFlagged ? `current pool ${w.pool_id} is flagged: it was interrupted recently` : `current pool risk ${pct(currentRisk)} is above ${pct(p.highRiskAbove)}`;
        recommendation = best ? toPool(best, `${why}; moving to a safer pool`) : toOnDemand(`${why} and no safer pool qualifies: return to on-demand`);
      } else if (cooldownLeft > 0) {
        recommendation = stay(`cool-down: last switch ${Math.round((now - (lastSwitch as number)) / 60_000)} min ago, next move allowed in ${Math.ceil(cooldownLeft / 60_000)} min`);
      } else if (savings !== null && savings < p.returnToOnDemandBelowSavings) {
        const why = `spot saves only ${pct(savings)} of on-demand here (below ${pct(p.returnToOnDemandBelowSavings)})`;
        recommendation = best ? toPool(best, why) : toOnDemand(`${why}: not worth the interruption risk, return to on-demand`);
      } else if (best && currentPrice !== null && currentPrice - best.price >= p.minPoolImprovement * currentPrice) {
        recommendation = toPool(best, `${best.candidate.pool_id} is ${usd(currentPrice - best.price)} cheaper than the current ${usd(currentPrice)}`);
      } else {
        recommendation = stay(best ? `no pool beats the current one by ${pct(p.minPoolImprovement)} or more` : `current pool ${w.pool_id} remains the best choice`);
      }
    } else if (cooldownLeft > 0) {
      recommendation = stay(`cool-down: last switch ${Math.round((now - (lastSwitch as number)) / 60_000)} min ago, next move allowed in ${Math.ceil(cooldownLeft / 60_000)} min`);
    } else if (best) {
      recommendation = toPool(best, 'spot saves enough at an acceptable risk');
    } else {
      recommendation = stay(this.whyNoPool(baseline, usable.length, evaluated));
    }

    return {
      prediction_id: `rb-${sha256Hex(`${w.agent_id}|${input.now}`).slice(0, 32)}`,
      interruption_probability: currentRisk,
      confidence_score: this.confidence(input, current),
      recommended_action: actionFor(currentRisk),
      recommendation,
    };
  }

  private whyNoPool(baseline: number | null, usable: number, evaluated: Evaluated[]): string {
    const p = this.policy;
    if (baseline === null) return 'stay on on-demand: without an on-demand price no pool can be judged';
    if (usable === 0) return 'stay on on-demand: no unflagged pool with a recent price';
    const lowRisk = evaluated.filter((e) => e.risk < p.lowRiskBelow);
    const bestLow = Math.max(...lowRisk.map((e) => e.savings), -Infinity);
    if (evaluated.every((e) => e.risk > p.highRiskAbove)) return `stay on on-demand: every pool's risk is above ${pct(p.highRiskAbove)}`;
    if (lowRisk.length > 0 && bestLow < p.minSavings) return `stay on on-demand: the best low-risk pool saves ${pct(bestLow)}, below ${pct(p.minSavings)}`;
    return `stay on on-demand: no pool saves ${pct(p.minSavings)} at low risk or more than ${pct(p.mediumRiskMinSavings)} at medium risk`;
  }

  /** More price history and a known Advisor bucket make the risk estimate more trustworthy. */
  private confidence(input: DecisionInput, current: CandidateFeatures | null): number {
    const samples = Math.max(input.features.spot_price_history.length, current?.price_samples ?? 0);
    const data = 0.5 + 0.5 * Math.min(1, samples / 12);
    const advisor = current?.advisor_bucket !== null && current !== null ? 1 : 0.8;
    return round(data * advisor * (current?.price_confidence ?? 1), 4);
  }
}
