import { sha256Hex } from '@spot/core';
import { actionFor, CandidateFeatures, DecisionEngine, DecisionInput, DecisionOutput, flaggedPoolsReason, movableCandidates, onDemandBaselineReason, Recommendation } from '@spot/decisions';
import { PoolEvidenceSource } from '../risk/pool-evidence';
import { DEFAULT_RISK_MODEL, estimatePoolRisk, NO_EVIDENCE, RiskModelPolicy } from '../risk/pool-risk-posterior';

/** How the learned engine turns risk estimates into moves. */
export interface LearnedPolicy {
  risk: RiskModelPolicy;
  /** Seed 001: spot only when it saves ≥ 30 % of on-demand at low risk, > 50 % at medium risk, never at high risk. */
  minSavings: number;
  mediumRiskMinSavings: number;
  lowRiskBelow: number;
  highRiskAbove: number;
  /** Pools are compared on a risk-adjusted expected price: expected × (1 + riskAversion × risk)… */
  riskAversion: number;
  /** …where expected = (1 − trendWeight) × price now + trendWeight × the pool's 7-day reference price (a dip or spike may not last). */
  trendWeight: number;
  /** Move between spot pools only for at least this share of the current risk-adjusted price… */
  minImprovement: number;
  /** …and when the saving pays for the switch (90 s of paying both instances) within this many hours. */
  paybackHours: number;
  switchOverlapSeconds: number;
  /** No opportunistic move this soon after the last switch; leaving a dangerous pool is never delayed. */
  cooldownMinutes: number;
  /** A spot workload saving less than this share of on-demand goes back to on-demand (unless a better pool exists). */
  returnToOnDemandBelowSavings: number;
  maxPriceAgeMinutes: number;
}

/**
 * Tuned on the first 60 days of the shipped trace only (docs/benchmarks.md, apps/backtest tune.ts);
 * the last 30 days are held out for the acceptance run. minImprovement 10 % (was 5 % until the
 * tuning criterion counted exact downtime: every extra switch is 5 s of it).
 */
export const DEFAULT_LEARNED_POLICY: LearnedPolicy = {
  risk: DEFAULT_RISK_MODEL,
  minSavings: 0.3,
  mediumRiskMinSavings: 0.5,
  lowRiskBelow: 0.2,
  highRiskAbove: 0.5,
  riskAversion: 0.5,
  trendWeight: 0,
  minImprovement: 0.1,
  paybackHours: 2,
  switchOverlapSeconds: 90,
  cooldownMinutes: 30,
  returnToOnDemandBelowSavings: 0.15,
  maxPriceAgeMinutes: 30,
};

/** A pool's risk as a ranking engine needs it: the number, how much evidence is behind it, and why. */
export interface RiskView {
  risk: number;
  evidenceWeight: number;
  /** The pool's typical recent price, when the source knows it. */
  referencePrice: number | null;
  readonly explanation: string;
}

/** Risk of every pool the input mentions (the features' pool and each candidate), given their price now. */
export type RiskAssessor = (input: DecisionInput) => Promise<(poolId: string, advisorBucket: number | null, price: number | null) => RiskView>;

interface Scored {
  candidate: CandidateFeatures;
  price: number;
  estimate: RiskView;
  savings: number;
  adjusted: number;
}

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;
const pct = (share: number) => `${Math.round(share * 100)} %`;
const usd = (value: number) => `$${round(value, 4)}/h`;

/** The pool of the seed-003 features: the workload's current pool, or its own type in its AZ. */
export const featurePoolOf = (input: DecisionInput) => input.workload.pool_id ?? `${input.workload.instance_type}.${input.workload.availability_zone}`;

/**
 * Decides from a risk per pool: pools are ranked on a risk-adjusted price, and a move is made
 * only when it clears seed 001's savings/risk bands and pays for its own switching cost. The
 * learned engine and uploaded ONNX models share this policy and differ in where risk comes from.
 */
export class RiskRankingEngine extends DecisionEngine {
  constructor(
    readonly name: string,
    readonly version: string,
    private readonly assess: RiskAssessor,
    private readonly policy: LearnedPolicy = DEFAULT_LEARNED_POLICY,
  ) {
    super();
  }

  async decide(input: DecisionInput): Promise<DecisionOutput> {
    const p = this.policy;
    const now = Date.parse(input.now);
    const w = input.workload;
    const baseline = w.on_demand_price_per_h;
    const featurePoolId = featurePoolOf(input);
    const estimate = await this.assess(input);
    const current = input.candidates.find((c) => c.pool_id === featurePoolId) ?? null;
    const sameType = input.candidates.find((c) => c.instance_type === w.instance_type && c.advisor_bucket !== null);
    const currentEstimate = estimate(featurePoolId, current?.advisor_bucket ?? sameType?.advisor_bucket ?? null, current?.spot_price ?? w.current_price_per_h);
    const currentRisk = current?.flagged ? 1 : currentEstimate.risk;

    const reasons: string[] = [onDemandBaselineReason(w)];
    const flaggedReason = flaggedPoolsReason(input.candidates);
    if (flaggedReason) reasons.push(flaggedReason);

    const scored: Scored[] = baseline
      ? movableCandidates(input, p.maxPriceAgeMinutes)
          .map((candidate) => {
            const price = candidate.spot_price as number;
            const e = estimate(candidate.pool_id, candidate.advisor_bucket, price);
            return { candidate, price, estimate: e, savings: (baseline - price) / baseline, adjusted: this.expectedPrice(price, e) * (1 + p.riskAversion * e.risk) };
          })
      : [];
    const eligible = scored
      .filter((s) => s.estimate.risk <= p.highRiskAbove && (s.estimate.risk < p.lowRiskBelow ? s.savings >= p.minSavings : s.savings > p.mediumRiskMinSavings))
      .sort((a, b) => a.adjusted - b.adjusted || a.price - b.price || a.candidate.pool_id.localeCompare(b.candidate.pool_id));
    const best = eligible[0] ?? null;

    const currentPrice = w.current_price_per_h ?? (w.mode === 'on-demand' ? baseline : (current?.spot_price ?? null));
    const lastSwitch = input.last_switch_at ? Date.parse(input.last_switch_at) : null;
    const cooldownLeft = lastSwitch === null ? 0 : lastSwitch + p.cooldownMinutes * 60_000 - now;
    const cooldown = () => `cool-down: last switch ${Math.round((now - (lastSwitch as number)) / 60_000)} min ago, next move allowed in ${Math.ceil(cooldownLeft / 60_000)} min`;

    const toPool = (s: Scored, why: string): Recommendation => ({
      target: 'pool',
      pool_id: s.candidate.pool_id,
      expected_savings_per_h: currentPrice === null ? 0 : round(currentPrice - s.price, 6),
      risk: s.estimate.risk,
      reasons: [
        ...reasons,
        why,
        `${s.candidate.pool_id}${s.candidate.same_type ? '' : ` (similar type ${s.candidate.instance_type})`} at ${usd(s.price)} saves ${pct(s.savings)} of on-demand; risk-adjusted ${usd(s.adjusted)}, best of ${eligible.length} eligible`,
        s.estimate.explanation,
      ],
    });
    const toOnDemand = (why: string): Recommendation => ({
      target: 'on-demand',
      pool_id: null,
      expected_savings_per_h: currentPrice === null || baseline === null ? 0 : round(currentPrice - baseline, 6),
      risk: 0,
      reasons: [...reasons, why],
    });
    const stay = (why: string): Recommendation => ({ target: 'stay', pool_id: null, expected_savings_per_h: 0, risk: w.mode === 'spot' ? currentRisk : 0, reasons: [...reasons, why, ...(w.mode === 'spot' ? [currentEstimate.explanation] : [])] });

    let recommendation: Recommendation;
    if (w.mode === 'spot') {
      const savings = baseline && currentPrice !== null ? (baseline - currentPrice) / baseline : null;
      if (current?.flagged || currentRisk > p.highRiskAbove) {
        const why = current?.flagged ? `current pool ${featurePoolId} is flagged: it was interrupted recently` : `current pool risk ${pct(currentRisk)} is above ${pct(p.highRiskAbove)} (${currentEstimate.explanation})`;
        recommendation = best ? toPool(best, `${why}; moving to a safer pool`) : toOnDemand(`${why} and no safer pool qualifies: return to on-demand`);
      } else if (cooldownLeft > 0) {
        recommendation = stay(cooldown());
      } else if (savings !== null && savings < p.returnToOnDemandBelowSavings) {
        const why = `spot saves only ${pct(savings)} of on-demand here (below ${pct(p.returnToOnDemandBelowSavings)})`;
        recommendation = best ? toPool(best, why) : toOnDemand(`${why}: not worth the interruption risk, return to on-demand`);
      } else if (best && currentPrice !== null && this.worthMoving(currentPrice, currentEstimate, currentRisk, best)) {
        recommendation = toPool(best, `${best.candidate.pool_id} is ${usd(currentPrice - best.price)} cheaper than the current ${usd(currentPrice)}, risk-adjusted ${pct(1 - best.adjusted / (this.expectedPrice(currentPrice, currentEstimate) * (1 + p.riskAversion * currentRisk)))} better, and repays the switch within ${p.paybackHours} h`);
      } else {
        recommendation = stay(best ? `no pool beats the current one by ${pct(p.minImprovement)} risk-adjusted and repays a switch within ${p.paybackHours} h` : `current pool ${featurePoolId} remains the best choice`);
      }
    } else if (cooldownLeft > 0) {
      recommendation = stay(cooldown());
    } else if (best) {
      recommendation = toPool(best, 'spot saves enough at an acceptable learned risk');
    } else {
      recommendation = stay(baseline === null ? 'stay on on-demand: without an on-demand price no pool can be judged' : scored.length === 0 ? 'stay on on-demand: no unflagged pool with a recent price' : `stay on on-demand: no pool saves ${pct(p.minSavings)} at low learned risk or more than ${pct(p.mediumRiskMinSavings)} at medium risk`);
    }

    return {
      prediction_id: `${this.name.slice(0, 12)}-${sha256Hex(`${this.name}|${this.version}|${w.agent_id}|${input.now}`).slice(0, 32)}`,
      interruption_probability: currentRisk,
      confidence_score: round(0.5 + 0.5 * currentEstimate.evidenceWeight, 4),
      recommended_action: actionFor(currentRisk),
      recommendation,
    };
  }

  private expectedPrice(price: number, view: RiskView): number {
    return view.referencePrice === null ? price : (1 - this.policy.trendWeight) * price + this.policy.trendWeight * view.referencePrice;
  }

  /** Worth leaving the current pool: better by minImprovement risk-adjusted, and the switch overlap is repaid in time. */
  private worthMoving(currentPrice: number, current: RiskView, currentRisk: number, best: Scored): boolean {
    const p = this.policy;
    const currentAdjusted = this.expectedPrice(currentPrice, current) * (1 + p.riskAversion * currentRisk);
    const overlapCost = (currentPrice * p.switchOverlapSeconds) / 3600;
    return currentAdjusted - best.adjusted >= p.minImprovement * currentAdjusted && (currentPrice - best.price) * p.paybackHours >= overlapCost;
  }
}

/**
 * The learned engine: every pool's interruption risk is a posterior learned from this
 * deployment's own interruptions and hours of exposure, with the Spot Advisor bucket as prior and
 * the price trend as a multiplier (estimatePoolRisk); its reasons name that evidence.
 */
export class LearnedEngine extends RiskRankingEngine {
  constructor(evidenceSource: PoolEvidenceSource, policy: LearnedPolicy = DEFAULT_LEARNED_POLICY) {
    super(
      'learned',
      '1.0.0',
      async (input) => {
        const poolIds = [...new Set([featurePoolOf(input), ...input.candidates.map((c) => c.pool_id)])];
        const evidence = await evidenceSource.evidence(poolIds, new Date(input.now));
        return (poolId, bucket, price) => estimatePoolRisk(poolId, bucket, evidence.get(poolId) ?? NO_EVIDENCE, price, policy.risk);
      },
      policy,
    );
  }
}
