import { InstanceCatalog } from '@spot/catalog';
import { LearnedPolicy } from '@spot/learning';
import { loadMarketModel } from '@spot/market-model';
import { runBacktest } from '@spot/backtest';

/**
 * How the learned engine's policy was tuned (docs/benchmarks.md): a grid over its move
 * thresholds and risk aversion, on the first 60 days of the shipped trace only (the last 30
 * are held out for the acceptance run), seeds 1–3. Prints one line per configuration and seed,
 * then the mean engine cost per configuration. `npm run build && node dist/apps/backtest/src/tune.js`
 */
const TUNING_WINDOW = { from: new Date('2021-12-14T00:00:00Z'), to: new Date('2022-02-10T23:00:00Z') };
const SEEDS = [1, 2, 3];
const GRID: Array<Partial<LearnedPolicy>> = [];
// Passes 1–2 (docs/benchmarks.md) covered minImprovement 0.01–0.05 × riskAversion 0–0.5 × trendWeight 0–1;
// pass 3, after the relaunch fix in the simulator, re-checks the leading configurations.
for (const minImprovement of [0.02, 0.03, 0.05]) for (const riskAversion of [0.25, 0.5]) GRID.push({ minImprovement, riskAversion, trendWeight: 0 });

async function main(): Promise<void> {
  const catalog = InstanceCatalog.fromDirectory();
  const markets = SEEDS.map((seed) => loadMarketModel({ seed, catalog }));
  const summary: Array<{ policy: Partial<LearnedPolicy>; cost: number; worseAvailability: number }> = [];
  for (const policy of GRID) {
    let cost = 0;
    let worseAvailability = 0;
    for (const market of markets) {
      const { results: r } = await runBacktest({ market, catalog, region: 'eu-west-1', ...TUNING_WINDOW, learnedPolicy: policy });
      cost += r.engine.cost_usd / markets.length;
      if (r.engine.availability_pct < Math.min(r.static_spot.availability_pct, r.greedy_cheapest.availability_pct)) worseAvailability++;
      process.stdout.write(`${JSON.stringify(policy)} seed ${market.seed}: engine $${r.engine.cost_usd} (${r.engine.switches} switches, ${r.engine.availability_pct} %), static $${r.static_spot.cost_usd} (${r.static_spot.availability_pct} %), greedy $${r.greedy_cheapest.cost_usd} (${r.greedy_cheapest.availability_pct} %), oracle $${r.oracle.cost_usd}\n`);
    }
    summary.push({ policy, cost, worseAvailability });
  }
  summary.sort((a, b) => a.worseAvailability - b.worseAvailability || a.cost - b.cost);
  for (const s of summary) process.stdout.write(`mean engine cost $${s.cost.toFixed(4)}, seeds with worse availability ${s.worseAvailability}: ${JSON.stringify(s.policy)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
