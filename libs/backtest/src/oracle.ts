import { MarketModel } from '@spot/market-model';
import { COST_MODEL } from './fleet';
import { BacktestWorkload } from './workloads';

const HOUR_MS = 3_600_000;

export interface OracleRun {
  costUsd: number;
  switches: number;
  interruptions: number;
  downtimeS: number;
}

/**
 * The hindsight lower bound of one workload: the cheapest schedule over on-demand and every
 * candidate pool, knowing all future prices and interruptions, under the same cost model.
 * Dynamic programming over decision points: every 5-minute tick plus every rebalance, notice
 * and interruption time of the candidates (the only moments any strategy can move), so no
 * strategy can beat it. A planned move costs 90 s of the old instance; being interrupted moves
 * the workload for free (its bill simply continues elsewhere). With `startAnywhere` the workload
 * may be in any pool at `from` without paying a switch: the bound for a window measured inside a
 * longer run, whatever placement a strategy carries into it.
 */
export function oracleRun(market: MarketModel, workload: BacktestWorkload, from: number, to: number, stepMs: number, options: { startAnywhere?: boolean } = {}): OracleRun {
  const states = [null, ...workload.candidates.map((c) => c.poolId)];
  const S = states.length;
  const interruptAt = new Map<number, Map<number, number>>(); // time → states interrupted then → their notice time
  const points = new Set<number>();
  for (let t = from; t < to; t += stepMs) points.add(t);
  states.forEach((poolId, s) => {
    if (!poolId) return;
    for (const e of market.poolEventsBetween(poolId, from, to)) {
      for (const t of [e.rebalanceAt?.getTime(), e.noticeAt.getTime(), e.interruptAt.getTime()]) if (t !== undefined && t >= from && t < to) points.add(t);
      const at = e.interruptAt.getTime();
      if (at < to) (interruptAt.get(at) ?? interruptAt.set(at, new Map()).get(at))?.set(s, e.noticeAt.getTime());
    }
  });
  const grid = [...points].sort((a, b) => a - b);
  const available = (s: number, t: number) => s === 0 || market.priceAt(states[s] as string, t) !== null;
  const bill = (s: number, a: number, b: number) => (s === 0 ? (workload.onDemandPrice * (b - a)) / HOUR_MS : market.costBetween(states[s] as string, a, b));

  // A fresh deployment starts on on-demand; one already running (walk-forward) may be anywhere, for free.
  let cost = new Float64Array(S).fill(Infinity);
  for (let s = 0; s < S; s++) if (s === 0 || (options.startAnywhere && available(s, from))) cost[s] = 0;
  const choice: Int16Array[] = [];
  for (let i = 0; i < grid.length; i++) {
    const t = grid[i];
    const end = i + 1 < grid.length ? grid[i + 1] : to;
    // Leaving state s at t costs the 90 s overlap, unless s is interrupted at t.
    const freed = interruptAt.get(t);
    let best = -1;
    let bestValue = Infinity;
    let second = -1;
    let secondValue = Infinity;
    for (let s = 0; s < S; s++) {
      if (cost[s] === Infinity) continue;
      const leave = cost[s] + (freed?.has(s) ? 0 : bill(s, t, Math.min(to, t + COST_MODEL.plannedSwitchOverlapS * 1000)));
      if (leave < bestValue) {
        second = best;
        secondValue = bestValue;
        best = s;
        bestValue = leave;
      } else if (leave < secondValue) {
        second = s;
        secondValue = leave;
      }
    }
    const next = new Float64Array(S).fill(Infinity);
    const came = new Int16Array(S);
    for (let s = 0; s < S; s++) {
      if (!available(s, t)) continue;
      let value = cost[s];
      let from = s;
      const other = best === s ? second : best;
      const otherValue = best === s ? secondValue : bestValue;
      if (other >= 0 && otherValue < value) {
        value = otherValue;
        from = other;
      }
      if (value === Infinity) continue;
      next[s] = value + bill(s, t, end);
      came[s] = from;
    }
    choice.push(came);
    cost = next;
  }

  // Walk the cheapest path back, then replay it forward to count what it lives through exactly as
  // Fleet does: an interruption hits an instance only if it was launched before the notice (one
  // launched later never hears of it, and moving off it is then a planned switch after all).
  let s = 0;
  for (let k = 1; k < S; k++) if (cost[k] < cost[s]) s = k;
  const total = cost[s];
  const path = new Int16Array(grid.length);
  for (let i = grid.length - 1; i >= 0; i--) {
    path[i] = s;
    s = choice[i][s];
  }
  let switches = 0;
  let interruptions = 0;
  let state = s;
  let launchedAt = options.startAnywhere ? -Infinity : from;
  for (let i = 0; i < grid.length; i++) {
    const t = grid[i];
    const notice = interruptAt.get(t)?.get(state);
    if (notice !== undefined && notice >= launchedAt) {
      interruptions++;
      launchedAt = t;
    } else if (path[i] !== state) {
      switches++;
      launchedAt = t;
    }
    state = path[i];
  }
  return {
    costUsd: total,
    switches,
    interruptions,
    downtimeS: switches * COST_MODEL.plannedSwitchDowntimeS + interruptions * COST_MODEL.interruptionDowntimeS,
  };
}
