import { ACTION_BANDS, CandidateFeatures, CONTRACT_VERSION, ContractEnforcer, DecisionEngine, DecisionInput, RuleBasedEngine } from '@spot/decisions';
import { PoolEvidence, PoolEvidenceSource } from '@spot/learning';
import { MarketModel } from '@spot/market-model';
import { Fleet, inPool, ON_DEMAND, Placement, WorkloadRun } from './fleet';
import { CandidatePool } from './workloads';

const HOUR_MS = 3_600_000;
const STEP_MS = 5 * 60_000;
const DAY_MS = 24 * HOUR_MS;

/** How a strategy places workloads: at each 5-minute tick, on a rebalance recommendation, and after an interruption without replica. */
export interface Strategy {
  readonly name: string;
  /** Where the workload should be now (null: leave it). */
  tick(fleet: Fleet, run: WorkloadRun, at: number): Promise<Placement | null>;
  /** Reaction to a rebalance recommendation for the workload's pool (null: none). */
  rebalance(fleet: Fleet, run: WorkloadRun, at: number): Promise<Placement | null>;
  /** Where to relaunch after an interruption without a ready replica. */
  relaunch(fleet: Fleet, run: WorkloadRun, at: number): Promise<Placement>;
}

interface Priced {
  pool: CandidatePool;
  price: number;
}

/** The workload's candidates that have a price at `at`, with it. */
function priced(fleet: Fleet, run: WorkloadRun, at: number): Priced[] {
  const out: Priced[] = [];
  for (const pool of run.workload.candidates) {
    const price = fleet.priceAt(pool.poolId, at);
    if (price !== null) out.push({ pool, price });
  }
  return out;
}

function cheapest(pools: Priced[]): Priced | null {
  let best: Priced | null = null;
  for (const p of pools) if (!best || p.price < best.price) best = p;
  return best;
}

const currentPrice = (fleet: Fleet, run: WorkloadRun, at: number) => (run.poolId ? (fleet.priceAt(run.poolId, at) ?? Infinity) : run.workload.onDemandPrice);

/** Always on-demand: the reference. */
export class OnDemandStrategy implements Strategy {
  readonly name = 'on_demand';
  async tick() {
    return null;
  }
  async rebalance() {
    return null;
  }
  async relaunch() {
    return ON_DEMAND;
  }
}

/** The cheapest pool at the start; relaunched there after every interruption. */
export class StaticSpotStrategy implements Strategy {
  readonly name = 'static_spot';
  async tick(fleet: Fleet, run: WorkloadRun, at: number) {
    if (run.placement.kind === 'pool') return null;
    const best = cheapest(priced(fleet, run, at));
    return best && best.price < run.workload.onDemandPrice ? inPool(best.pool.poolId) : null;
  }
  async rebalance() {
    return null;
  }
  async relaunch(_fleet: Fleet, run: WorkloadRun) {
    return run.placement;
  }
}

/** Moves whenever another pool is at least 10 % cheaper; relaunches in the cheapest pool. */
export class GreedyCheapestStrategy implements Strategy {
  readonly name = 'greedy_cheapest';
  async tick(fleet: Fleet, run: WorkloadRun, at: number) {
    const best = cheapest(priced(fleet, run, at));
    if (!best || best.pool.poolId === run.poolId) return null;
    return best.price <= 0.9 * currentPrice(fleet, run, at) ? inPool(best.pool.poolId) : null;
  }
  async rebalance() {
    return null;
  }
  async relaunch(fleet: Fleet, run: WorkloadRun, at: number) {
    const best = cheapest(priced(fleet, run, at));
    return best ? inPool(best.pool.poolId) : ON_DEMAND;
  }
}

/**
 * A stand-in for AWS price-capacity-optimized: the lowest Advisor bucket, then the lowest price,
 * chosen at launch and again at every relaunch; no moves in between.
 */
export class RiskFirstStrategy implements Strategy {
  readonly name = 'risk_first';
  async tick(fleet: Fleet, run: WorkloadRun, at: number) {
    return run.placement.kind === 'pool' ? null : this.choose(fleet, run, at);
  }
  async rebalance() {
    return null;
  }
  async relaunch(fleet: Fleet, run: WorkloadRun, at: number) {
    return (await this.choose(fleet, run, at)) ?? ON_DEMAND;
  }
  private async choose(fleet: Fleet, run: WorkloadRun, at: number): Promise<Placement | null> {
    const pools = priced(fleet, run, at).filter((p) => p.price < run.workload.onDemandPrice);
    pools.sort((a, b) => (a.pool.advisorBucket ?? 2) - (b.pool.advisorBucket ?? 2) || a.price - b.price || a.pool.poolId.localeCompare(b.pool.poolId));
    return pools[0] ? inPool(pools[0].pool.poolId) : null;
  }
}

/** The learned engine's evidence in a simulation: what this simulated deployment has lived through so far. */
export class FleetEvidence extends PoolEvidenceSource {
  private fleet: Fleet | null = null;
  private readonly medians = new Map<string, number | null>();

  constructor(private readonly market: MarketModel) {
    super();
  }

  attach(fleet: Fleet): void {
    this.fleet = fleet;
  }

  async evidence(poolIds: string[], now: Date): Promise<Map<string, PoolEvidence>> {
    const t = now.getTime();
    const found = new Map<string, PoolEvidence>();
    for (const poolId of poolIds) {
      if (!this.market.pool(poolId)) continue;
      found.set(poolId, {
        interruptions: this.fleet ? this.fleet.interruptionsSince(poolId, t - 90 * DAY_MS, t) : 0,
        exposureHours: this.fleet ? this.fleet.exposureHours(poolId, t) : 0,
        referencePrice: this.median(poolId, t),
      });
    }
    return found;
  }

  /** The trailing 7-day median as of the hour (past prices only), cached per pool-hour. */
  private median(poolId: string, t: number): number | null {
    const key = `${poolId}|${Math.floor(t / HOUR_MS)}`;
    if (!this.medians.has(key)) this.medians.set(key, this.market.trailingMedian(poolId, t));
    return this.medians.get(key) ?? null;
  }
}

/**
 * A decision engine driven exactly as the product drives it: the same DecisionInput built from
 * what the deployment can see at that moment (prices now, Advisor buckets, 24 h volatility, its
 * own interruptions and flags), through the same ContractEnforcer (rule-based fallback), every
 * 5 minutes and immediately on a rebalance recommendation. A workload whose pool's risk reaches
 * CAUTION keeps a standby replica in the cheapest other pool, as the seeds' replica manager does.
 */
export class EngineStrategy implements Strategy {
  readonly name: string;
  private readonly volatility = new Map<string, number>();

  constructor(
    private readonly engine: DecisionEngine,
    private readonly enforcer: ContractEnforcer = new ContractEnforcer(new RuleBasedEngine()),
  ) {
    this.name = engine.name;
  }

  async tick(fleet: Fleet, run: WorkloadRun, at: number) {
    const decided = await this.enforcer.run(this.engine, this.inputFor(fleet, run, at));
    const { recommendation, interruption_probability } = decided.output;
    const target = recommendation.target === 'pool' ? inPool(recommendation.pool_id as string) : recommendation.target === 'on-demand' ? ON_DEMAND : null;
    this.keepReplica(fleet, run, at, target, interruption_probability);
    return target;
  }

  async rebalance(fleet: Fleet, run: WorkloadRun, at: number) {
    fleet.flag(run.poolId as string, at);
    return this.tick(fleet, run, at);
  }

  /** The engine is asked with the interrupted pool already flagged; "stay" means relaunch in the same pool. */
  async relaunch(fleet: Fleet, run: WorkloadRun, at: number) {
    const decided = await this.enforcer.run(this.engine, this.inputFor(fleet, run, at));
    const r = decided.output.recommendation;
    return r.target === 'pool' ? inPool(r.pool_id as string) : r.target === 'on-demand' ? ON_DEMAND : run.placement;
  }

  private keepReplica(fleet: Fleet, run: WorkloadRun, at: number, target: Placement | null, risk: number): void {
    if (target !== null || run.placement.kind !== 'pool' || risk < ACTION_BANDS.safeBelow) {
      fleet.dropReplica(run, at);
      return;
    }
    const standby = cheapest(priced(fleet, run, at).filter((p) => p.pool.poolId !== run.poolId && !fleet.isFlagged(p.pool.poolId, at)));
    if (standby) fleet.launchReplica(run, standby.pool.poolId, at);
  }

  inputFor(fleet: Fleet, run: WorkloadRun, at: number): DecisionInput {
    const market = fleet.market;
    const w = run.workload;
    const now = new Date(at).toISOString();
    const candidates: CandidateFeatures[] = priced(fleet, run, at).map(({ pool, price }) => ({
      pool_id: pool.poolId,
      instance_type: pool.instanceType,
      availability_zone: pool.az,
      same_type: pool.sameType,
      vcpu: pool.vcpu,
      memory_gib: pool.memoryGiB,
      spot_price: price,
      price_at: now,
      price_confidence: 1,
      on_demand_price: pool.onDemandPrice,
      advisor_bucket: pool.advisorBucket,
      advisor_interruption_rate: pool.advisorRate,
      volatility: this.volatilityOf(market, pool.poolId, at),
      price_samples: 288,
      interruptions_7d: fleet.interruptionsSince(pool.poolId, at - 7 * DAY_MS, at),
      flagged: fleet.isFlagged(pool.poolId, at),
    }));
    const poolId = run.poolId;
    const featurePool = poolId ?? `${w.instanceType}.${w.az}`;
    const history: number[] = [];
    for (let t = at - 6 * HOUR_MS + STEP_MS; t <= at; t += STEP_MS) {
      const price = market.priceAt(featurePool, t);
      if (price !== null) history.push(price);
    }
    const date = new Date(at);
    return {
      contract_version: CONTRACT_VERSION,
      features: { instance_type: w.instanceType, availability_zone: w.az, spot_price_history: history, hour_of_day: date.getUTCHours(), day_of_week: date.getUTCDay() },
      workload: {
        agent_id: `backtest-${run.index}-${w.instanceType}`,
        region: 'backtest',
        instance_type: w.instanceType,
        availability_zone: w.az,
        mode: poolId ? 'spot' : 'on-demand',
        pool_id: poolId,
        vcpu: w.vcpu,
        memory_gib: w.memoryGiB,
        current_price_per_h: poolId ? market.priceAt(poolId, at) : w.onDemandPrice,
        on_demand_price_per_h: w.onDemandPrice,
      },
      candidates,
      last_switch_at: run.lastSwitchAt === null ? null : new Date(run.lastSwitchAt).toISOString(),
      now,
    };
  }

  /** Coefficient of variation of the pool's hourly prices over the last day, cached per pool-hour. */
  private volatilityOf(market: MarketModel, poolId: string, at: number): number {
    const hour = Math.floor(at / HOUR_MS);
    const key = `${poolId}|${hour}`;
    const cached = this.volatility.get(key);
    if (cached !== undefined) return cached;
    const prices: number[] = [];
    for (let h = hour - 23; h <= hour; h++) {
      const p = market.priceAt(poolId, h * HOUR_MS);
      if (p !== null) prices.push(p);
    }
    const mean = prices.reduce((a, b) => a + b, 0) / Math.max(1, prices.length);
    const sd = Math.sqrt(prices.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, prices.length));
    const cv = mean > 0 ? sd / mean : 0;
    this.volatility.set(key, cv);
    return cv;
  }
}
