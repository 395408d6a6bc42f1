import { InstanceCatalog } from '@spot/catalog';
import { MarketPrices } from '@spot/data-valve';
import { InterruptionHistory } from '@spot/global-risk';

/** Create an emergency replica above this risk (seed 001 `rebalance_risk_threshold`). */
export const REBALANCE_RISK_THRESHOLD = 0.3;
export const RISK_WEIGHTS = { history: 0.4, age: 0.3, volatility: 0.3 } as const;

const DAY_MS = 86_400_000;
const HISTORY_WINDOW_MS = 7 * DAY_MS;
/** Three other instances interrupted in the pool within a week is as bad as history gets. */
const HISTORY_SATURATION = 3;
/** AWS reclaims long-running spot capacity first; three days old counts as fully aged. */
const AGE_SATURATION_MS = 3 * DAY_MS;
/** A week's price coefficient of variation of 10 % counts as fully volatile. */
const VOLATILITY_SATURATION = 0.1;

export interface RiskInput {
  region: string;
  instanceType: string;
  poolId: string | null;
  instanceId: string;
  /** When the instance started (instance age). */
  launchedAt: Date | null;
  now: Date;
}

export interface RiskAssessment {
  score: number;
  history: number;
  age: number;
  volatility: number;
}

/**
 * Seed 001 SEF risk of a rebalance recommendation turning into an interruption, in [0, 1]:
 * 40 % pool interruption history (other instances interrupted in the pool this week, on top of
 * the Spot Advisor's monthly rate for the type), 30 % instance age, 30 % price volatility.
 * Uses only recorded data: no decision engine is involved, so it works with every engine down.
 */
export class RebalanceRiskScorer {
  constructor(
    private readonly history: InterruptionHistory,
    private readonly prices: MarketPrices,
    private readonly catalog: InstanceCatalog,
  ) {}

  async assess(input: RiskInput): Promise<RiskAssessment> {
    const since = new Date(input.now.getTime() - HISTORY_WINDOW_MS);
    const advisorRate = this.catalog.advisorEntry(input.region, input.instanceType)?.monthlyInterruptionRate ?? 0;
    let interruptions = 0;
    let volatility = 0;
    if (input.poolId) {
      interruptions = await this.history.countForPool(input.poolId, since, input.instanceId);
      volatility = (await this.prices.stats([input.poolId], since, input.now)).get(input.poolId)?.volatility ?? 0;
    }
    const history = clamp(interruptions / HISTORY_SATURATION + advisorRate);
    const age = input.launchedAt ? clamp((input.now.getTime() - input.launchedAt.getTime()) / AGE_SATURATION_MS) : 0;
    const vol = clamp(volatility / VOLATILITY_SATURATION);
    const score = round4(RISK_WEIGHTS.history * history + RISK_WEIGHTS.age * age + RISK_WEIGHTS.volatility * vol);
    return { score, history: round4(history), age: round4(age), volatility: round4(vol) };
  }
}

const clamp = (x: number) => Math.min(1, Math.max(0, x));
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
