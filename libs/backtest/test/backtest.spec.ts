import { InstanceCatalog } from '@spot/catalog';
import { COST_MODEL, Fleet, inPool, ON_DEMAND, oracleRun, runBacktest, STRATEGY_NAMES, workloadsOf } from '@spot/backtest';
import { loadMarketModel, MarketModel, TracePriceChange } from '@spot/market-model';

const HOUR_MS = 3_600_000;
const catalog = InstanceCatalog.fromDirectory();
const RESULT_KEYS = ['cost_usd', 'ondemand_cost_usd', 'savings_pct', 'cost_vs_oracle', 'interruptions', 'downtime_s', 'availability_pct', 'switches', 'replica_hours'];

describe('runBacktest', () => {
  it('reports every strategy in the exact JSON shape, with the oracle as the lower bound', async () => {
    const market = loadMarketModel({ seed: 5, catalog });
    const report = await runBacktest({ market, catalog, region: 'eu-west-1', from: new Date('2022-01-20T00:00:00Z'), to: new Date('2022-01-23T00:00:00Z') });
    const line = JSON.parse(JSON.stringify(report));
    expect(Object.keys(line)).toEqual(['engine', 'seed', 'workloads', 'hours', 'results']);
    expect(line).toMatchObject({ engine: 'learned', seed: 5, workloads: 10, hours: 72 });
    expect(Object.keys(line.results).sort()).toEqual([...STRATEGY_NAMES].sort());
    const results = report.results;
    for (const name of STRATEGY_NAMES) {
      const r = results[name];
      expect(Object.keys(r)).toEqual(RESULT_KEYS);
      for (const key of RESULT_KEYS) expect(typeof (r as unknown as Record<string, unknown>)[key]).toBe('number');
      expect(r.ondemand_cost_usd).toBe(results.on_demand.cost_usd);
      expect(r.cost_usd).toBeGreaterThanOrEqual(results.oracle.cost_usd);
      expect(r.cost_vs_oracle).toBeGreaterThanOrEqual(1);
      expect(r.availability_pct).toBeGreaterThan(99);
      expect(r.availability_pct).toBeLessThanOrEqual(100);
    }
    expect(results.on_demand).toMatchObject({ savings_pct: 0, interruptions: 0, switches: 0, downtime_s: 0, availability_pct: 100, replica_hours: 0 });
    expect(results.oracle.cost_vs_oracle).toBe(1);
    // On-demand reference: each workload's own type for the whole window.
    const ondemand = workloadsOf(market, catalog, 'eu-west-1').reduce((sum, w) => sum + w.onDemandPrice * 72, 0);
    expect(results.on_demand.cost_usd).toBeCloseTo(ondemand, 3);
    // Spot saves on this trace, and every spot strategy starts with one planned switch per workload.
    expect(results.engine.savings_pct).toBeGreaterThan(50);
    expect(results.static_spot.switches).toBeGreaterThanOrEqual(10);
  }, 60_000);

  it('drives the rule-based engine too, and refuses an empty window', async () => {
    const market = loadMarketModel({ seed: 5, catalog });
    const report = await runBacktest({ market, catalog, region: 'eu-west-1', engine: 'rule-based', from: new Date('2022-01-20T00:00:00Z'), to: new Date('2022-01-20T06:00:00Z') });
    expect(report.engine).toBe('rule-based');
    expect(report.results.engine.cost_usd).toBeGreaterThanOrEqual(report.results.oracle.cost_usd);
    await expect(runBacktest({ market, catalog, region: 'eu-west-1', from: new Date('2022-01-20T00:00:00Z'), to: new Date('2022-01-20T00:00:00Z') })).rejects.toThrow(/window is empty/);
  }, 60_000);
});

describe('walk-forward (--since)', () => {
  it('books only the measured window, and a causal strategy costs there what the rest of one long run costs', async () => {
    const market = loadMarketModel({ seed: 3, catalog });
    const [a, b, c] = ['2022-01-20T00:00:00Z', '2022-01-22T00:00:00Z', '2022-01-23T00:00:00Z'].map((t) => new Date(t));
    const whole = await runBacktest({ market, catalog, region: 'eu-west-1', engine: 'rule-based', from: a, to: c });
    const before = await runBacktest({ market, catalog, region: 'eu-west-1', engine: 'rule-based', from: a, to: b });
    const after = await runBacktest({ market, catalog, region: 'eu-west-1', engine: 'rule-based', since: a, from: b, to: c });
    expect(after.hours).toBe(24);
    for (const name of ['engine', 'on_demand', 'static_spot', 'greedy_cheapest', 'risk_first'] as const) {
      // Planned-switch overlaps straddling the split are the only difference, and none does here.
      expect(after.results[name].cost_usd).toBeCloseTo(whole.results[name].cost_usd - before.results[name].cost_usd, 3);
      for (const key of ['switches', 'interruptions', 'downtime_s'] as const) expect(after.results[name][key]).toBe(whole.results[name][key] - before.results[name][key]);
    }
    // Already on spot at the window's start: no launch switch is booked in it.
    expect(after.results.static_spot.switches).toBe(0);
    // The oracle may start anywhere, so it stays a lower bound of every strategy's window.
    for (const name of STRATEGY_NAMES) expect(after.results[name].cost_usd).toBeGreaterThanOrEqual(after.results.oracle.cost_usd);
    await expect(runBacktest({ market, catalog, region: 'eu-west-1', since: c, from: b, to: c })).rejects.toThrow(/at or before the measured window/);
  }, 120_000);
});

describe('the cost model', () => {
  const T0 = Date.parse('2022-01-10T00:00:00Z');
  const change = (h: number, az: string, price: number): TracePriceChange => ({ at: new Date(T0 + h * HOUR_MS), instanceType: 'c5.large', az, price });
  // Two c5.large pools: a at 0.04 then 0.02 from hour 2; b at 0.03 throughout.
  const market = MarketModel.fromTrace([change(-200, 'eu-west-1a', 0.04), change(2, 'eu-west-1a', 0.02), change(-200, 'eu-west-1b', 0.03)], { advisor: () => 0, seed: 1 });
  const [workload] = workloadsOf(market, catalog, 'eu-west-1');

  it('bills per second at the price in force, 90 s of both instances and 5 s down per planned switch', () => {
    const fleet = new Fleet(market, [workload], T0, T0 + 4 * HOUR_MS);
    const [run] = fleet.runs;
    fleet.plannedSwitch(run, inPool('c5.large.eu-west-1b'), T0);
    fleet.plannedSwitch(run, inPool('c5.large.eu-west-1a'), T0 + 2 * HOUR_MS);
    fleet.finish();
    const overlap = COST_MODEL.plannedSwitchOverlapS / 3600;
    expect(run.costUsd).toBeCloseTo(workload.onDemandPrice * overlap + 0.03 * 2 + 0.03 * overlap + 0.02 * 2, 10);
    expect(run.downtimeS).toBe(10);
    expect(run.switches).toBe(2);
  });

  it('costs 60 s for an interruption without a ready replica and 5 s with one, billing the replica while it exists', async () => {
    const event = { poolId: 'c5.large.eu-west-1b', rebalanceAt: null, noticeAt: new Date(T0 + HOUR_MS - 120_000), interruptAt: new Date(T0 + HOUR_MS), elevated: false };
    const bare = new Fleet(market, [workload], T0, T0 + 2 * HOUR_MS);
    bare.plannedSwitch(bare.runs[0], inPool('c5.large.eu-west-1b'), T0);
    await bare.interrupt(bare.runs[0], event, async () => {
      // The relaunch decision is taken with the pool already flagged and the interruption counted.
      expect(bare.isFlagged('c5.large.eu-west-1b', T0 + HOUR_MS)).toBe(true);
      expect(bare.interruptionsSince('c5.large.eu-west-1b', T0, T0 + HOUR_MS)).toBe(1);
      return inPool('c5.large.eu-west-1b');
    });
    expect(bare.runs[0]).toMatchObject({ downtimeS: 65, interruptions: 1 });

    const covered = new Fleet(market, [workload], T0, T0 + 2 * HOUR_MS);
    const run = covered.runs[0];
    covered.plannedSwitch(run, inPool('c5.large.eu-west-1b'), T0);
    covered.launchReplica(run, 'c5.large.eu-west-1a', T0 + HOUR_MS / 2);
    await covered.interrupt(run, event, async () => ON_DEMAND);
    covered.finish();
    expect(run).toMatchObject({ downtimeS: 10, interruptions: 1, replicaMs: HOUR_MS / 2, placement: inPool('c5.large.eu-west-1a') });
    const overlap = COST_MODEL.plannedSwitchOverlapS / 3600;
    expect(run.costUsd).toBeCloseTo(workload.onDemandPrice * overlap + 0.03 * 1 + 0.04 * 0.5 + 0.04 * 1, 10);
  });

  it('books a measured window only: moves, downtime and bills before it are not counted', () => {
    const fleet = new Fleet(market, [workload], T0, T0 + 4 * HOUR_MS, T0 + HOUR_MS);
    const [run] = fleet.runs;
    fleet.plannedSwitch(run, inPool('c5.large.eu-west-1b'), T0);
    fleet.plannedSwitch(run, inPool('c5.large.eu-west-1a'), T0 + 2 * HOUR_MS);
    fleet.finish();
    const overlap = COST_MODEL.plannedSwitchOverlapS / 3600;
    expect(run.costUsd).toBeCloseTo(0.03 * 1 + 0.03 * overlap + 0.02 * 2, 10);
    expect(run).toMatchObject({ downtimeS: 5, switches: 1 });
    // What happened before still counts as experience.
    expect(fleet.exposureHours('c5.large.eu-west-1b', T0 + 4 * HOUR_MS)).toBeCloseTo(2, 10);
    expect(() => new Fleet(market, [workload], T0, T0 + HOUR_MS, T0 + 2 * HOUR_MS)).toThrow(/measured window/);
  });

  it('finds the cheapest schedule in hindsight, switch costs included', () => {
    const oracle = oracleRun(market, workload, T0, T0 + 4 * HOUR_MS, 5 * 60_000);
    const overlap = COST_MODEL.plannedSwitchOverlapS / 3600;
    // On-demand → b at once, → a when it drops to 0.02 at hour 2.
    expect(oracle.costUsd).toBeCloseTo(workload.onDemandPrice * overlap + 0.03 * 2 + 0.03 * overlap + 0.02 * 2, 10);
    expect(oracle.switches).toBe(2);
    // Already running (walk-forward): it may start in b without paying the launch.
    const running = oracleRun(market, workload, T0, T0 + 4 * HOUR_MS, 5 * 60_000, { startAnywhere: true });
    expect(running.costUsd).toBeCloseTo(0.03 * 2 + 0.03 * overlap + 0.02 * 2, 10);
    expect(running.switches).toBe(1);
  });
});
