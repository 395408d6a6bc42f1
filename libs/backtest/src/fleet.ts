import { InterruptionEvent, MarketModel } from '@spot/market-model';
import { BacktestWorkload } from './workloads';

const HOUR_MS = 3_600_000;

/**
 * The cost model, identical for every strategy of a run: a planned switch costs 5 s of downtime
 * and 90 s of paying for both instances; an interruption costs 5 s of downtime with a ready
 * replica, 60 s without; a replica is billed at its pool's price while it exists; billing is
 * per second at the price in force.
 */
export const COST_MODEL = {
  plannedSwitchDowntimeS: 5,
  plannedSwitchOverlapS: 90,
  interruptionWithReplicaDowntimeS: 5,
  interruptionDowntimeS: 60,
} as const;

/** A flagged pool stays flagged this long after a signal (the global risk tracker's TTL). */
export const FLAG_MS = 30 * 60_000;

export type Placement = { kind: 'on-demand' } | { kind: 'pool'; poolId: string };
export const ON_DEMAND: Placement = { kind: 'on-demand' };
export const inPool = (poolId: string): Placement => ({ kind: 'pool', poolId });
export const samePlacement = (a: Placement, b: Placement) => a.kind === b.kind && (a.kind === 'on-demand' || a.poolId === (b as { poolId: string }).poolId);

/** One simulated workload: where it runs, since when, and what it has cost so far. */
export class WorkloadRun {
  placement: Placement = ON_DEMAND;
  /** Start of the current billing segment of the primary. */
  since: number;
  /** When the primary instance was launched (signals before that do not reach it). */
  launchedAt: number;
  lastSwitchAt: number | null = null;
  replica: { poolId: string; since: number } | null = null;
  costUsd = 0;
  downtimeS = 0;
  switches = 0;
  interruptions = 0;
  replicaMs = 0;
  /** Signals up to this time have been handled. */
  cursor: number;

  constructor(
    readonly index: number,
    readonly workload: BacktestWorkload,
    start: number,
  ) {
    this.since = start;
    this.launchedAt = start;
    this.cursor = start;
  }

  get poolId(): string | null {
    return this.placement.kind === 'pool' ? this.placement.poolId : null;
  }
}

/**
 * The simulated deployment: its workloads, billing, the market's interruption schedule, and
 * what the deployment has seen (exposure hours, interruptions, flagged pools) for strategies
 * that learn from it.
 */
export class Fleet {
  readonly runs: WorkloadRun[];
  private readonly closedExposureMs = new Map<string, number>();
  private readonly interruptionTimes = new Map<string, number[]>();
  private readonly flaggedUntil = new Map<string, number>();
  private readonly schedule = new Map<string, InterruptionEvent[]>();

  /** Start of the measured window: bills, downtime and counts before it are not booked (the deployment still learns from them). */
  readonly measureFrom: number;

  /**
   * The deployment runs from `from` to `to`; `measureFrom` (default `from`) starts the window
   * whose costs and events are booked, so a walk-forward run can carry placements and learned
   * evidence into the window it is judged on.
   */
  constructor(
    readonly market: MarketModel,
    workloads: BacktestWorkload[],
    readonly from: number,
    readonly to: number,
    measureFrom: number = from,
  ) {
    if (measureFrom < from || measureFrom >= to) throw new Error('the measured window must start within the run');
    this.measureFrom = measureFrom;
    this.runs = workloads.map((w, i) => new WorkloadRun(i, w, from));
    const pools = new Set(workloads.flatMap((w) => w.candidates.map((c) => c.poolId)));
    for (const poolId of pools) this.schedule.set(poolId, market.poolEventsBetween(poolId, from, to));
  }

  private pricesAt = -1;
  private readonly prices = new Map<string, number | null>();

  /** The pool's price at `at`, remembered for the current moment (every workload asks about the same pools). */
  priceAt(poolId: string, at: number): number | null {
    if (at !== this.pricesAt) {
      this.prices.clear();
      this.pricesAt = at;
    }
    let price = this.prices.get(poolId);
    if (price === undefined) {
      price = this.market.priceAt(poolId, at);
      this.prices.set(poolId, price);
    }
    return price;
  }

  /** What being in `placement` over [a, b) costs for this workload. */
  cost(run: WorkloadRun, placement: Placement, a: number, b: number): number {
    if (b <= a) return 0;
    return placement.kind === 'on-demand' ? (run.workload.onDemandPrice * (b - a)) / HOUR_MS : this.market.costBetween(placement.poolId, a, b);
  }

  /** The part of [a, b) inside the measured window, or null when none is. */
  private measured(a: number, b: number): [number, number] | null {
    const start = Math.max(a, this.measureFrom);
    return b > start ? [start, b] : null;
  }

  private book(run: WorkloadRun, placement: Placement, a: number, b: number): void {
    const span = this.measured(a, b);
    if (span) run.costUsd += this.cost(run, placement, span[0], span[1]);
  }

  private bookReplica(run: WorkloadRun, replica: { poolId: string; since: number }, at: number): void {
    const span = this.measured(replica.since, at);
    if (!span) return;
    run.costUsd += this.market.costBetween(replica.poolId, span[0], span[1]);
    run.replicaMs += span[1] - span[0];
  }

  /** Downtime and event counts are booked when their moment is in the measured window. */
  private counts(at: number): boolean {
    return at >= this.measureFrom;
  }

  /** A planned switch at `at` (5 s down, 90 s of both instances billed). Moving to where it already is does nothing. */
  plannedSwitch(run: WorkloadRun, target: Placement, at: number): void {
    if (samePlacement(run.placement, target)) return;
    const overlapEnd = Math.min(this.to, at + COST_MODEL.plannedSwitchOverlapS * 1000);
    this.book(run, run.placement, at, overlapEnd);
    this.dropReplica(run, at);
    this.move(run, target, at);
    if (this.counts(at)) {
      run.downtimeS += COST_MODEL.plannedSwitchDowntimeS;
      run.switches += 1;
    }
    run.lastSwitchAt = at;
  }

  launchReplica(run: WorkloadRun, poolId: string, at: number): void {
    if (run.replica?.poolId === poolId) return;
    this.dropReplica(run, at);
    run.replica = { poolId, since: at };
  }

  dropReplica(run: WorkloadRun, at: number): void {
    if (!run.replica) return;
    this.bookReplica(run, run.replica, at);
    run.replica = null;
  }

  /**
   * The primary is interrupted: the deployment records it and flags the pool first (as the
   * sentinel does), then a ready replica takes over (5 s), or the workload is relaunched where
   * `relaunch` says, asked after the flag so it can avoid the pool (60 s).
   */
  async interrupt(run: WorkloadRun, event: InterruptionEvent, relaunch: () => Promise<Placement>): Promise<void> {
    const at = event.interruptAt.getTime();
    const counted = this.counts(at);
    if (counted) run.interruptions += 1;
    this.recordInterruption(event.poolId, at);
    if (run.replica && run.replica.since <= event.noticeAt.getTime()) {
      const replica = run.replica;
      this.bookReplica(run, replica, at);
      run.replica = null;
      this.move(run, inPool(replica.poolId), at);
      run.launchedAt = replica.since;
      if (counted) run.downtimeS += COST_MODEL.interruptionWithReplicaDowntimeS;
    } else {
      this.move(run, await relaunch(), at);
      if (counted) run.downtimeS += COST_MODEL.interruptionDowntimeS;
    }
  }

  /** The next signal for the workload's primary in [cursor, until): a rebalance recommendation or the interruption. */
  nextSignal(run: WorkloadRun, until: number): { kind: 'rebalance' | 'interruption'; at: number; event: InterruptionEvent } | null {
    const poolId = run.poolId;
    if (!poolId) return null;
    for (const event of this.schedule.get(poolId) ?? []) {
      const rebalance = event.rebalanceAt?.getTime() ?? -Infinity;
      if (rebalance >= run.cursor && rebalance >= run.launchedAt && rebalance < until) return { kind: 'rebalance', at: rebalance, event };
      const at = event.interruptAt.getTime();
      if (at >= run.cursor && event.noticeAt.getTime() >= run.launchedAt && at < until) return { kind: 'interruption', at, event };
      if (at >= until) return null;
    }
    return null;
  }

  flag(poolId: string, at: number): void {
    this.flaggedUntil.set(poolId, Math.max(this.flaggedUntil.get(poolId) ?? 0, at + FLAG_MS));
  }

  isFlagged(poolId: string, at: number): boolean {
    return (this.flaggedUntil.get(poolId) ?? 0) > at;
  }

  /** Interruptions the deployment saw in the pool in [since, now]. */
  interruptionsSince(poolId: string, since: number, now: number): number {
    return (this.interruptionTimes.get(poolId) ?? []).filter((t) => t >= since && t <= now).length;
  }

  /** Hours the deployment's primaries have run in the pool up to `now`. */
  exposureHours(poolId: string, now: number): number {
    let ms = this.closedExposureMs.get(poolId) ?? 0;
    for (const run of this.runs) if (run.poolId === poolId) ms += now - run.since;
    return ms / HOUR_MS;
  }

  /** Closes every bill at the end of the window. */
  finish(): void {
    for (const run of this.runs) {
      this.dropReplica(run, this.to);
      this.move(run, run.placement, this.to);
    }
  }

  private recordInterruption(poolId: string, at: number): void {
    const times = this.interruptionTimes.get(poolId) ?? [];
    times.push(at);
    this.interruptionTimes.set(poolId, times);
    this.flag(poolId, at);
  }

  private move(run: WorkloadRun, target: Placement, at: number): void {
    this.book(run, run.placement, run.since, at);
    if (run.placement.kind === 'pool') this.closedExposureMs.set(run.placement.poolId, (this.closedExposureMs.get(run.placement.poolId) ?? 0) + (at - run.since));
    run.placement = target;
    run.since = at;
    run.launchedAt = at;
  }
}
