import { InstanceCatalog } from '@spot/catalog';
import { loadMarketModel } from '@spot/market-model';
import { Fleet, StaticSpotStrategy, workloadsOf } from '@spot/backtest';

/**
 * The most any strategy can save over static_spot at static_spot's availability when nothing is
 * interrupted: it may move each workload once (the launch), so the best it can do is launch in
 * the pool that turns out cheapest over the window instead of the cheapest at launch.
 * `npm run build && node dist/apps/backtest/src/single-pool-bound.js [<from iso> <to iso>]`
 * (default: the held-out last 30 days). Prices only: the same for every seed.
 */
async function main(argv: string[]): Promise<void> {
  const from = Date.parse(argv[0] ?? '2022-02-10T23:00:00Z');
  const to = Date.parse(argv[1] ?? '2022-03-12T23:00:00Z');
  if (!(to > from)) throw new Error('usage: single-pool-bound.js [<from iso> <to iso>]');
  const catalog = InstanceCatalog.fromDirectory();
  const market = loadMarketModel({ seed: 1, catalog });
  // static_spot's launch pool comes from the strategy itself, so the bound can't drift from the baseline.
  const fleet = new Fleet(market, workloadsOf(market, catalog, 'eu-west-1'), from, to);
  const staticSpot = new StaticSpotStrategy();
  let staticCost = 0;
  let bound = 0;
  for (const run of fleet.runs) {
    const launch = await staticSpot.tick(fleet, run, from);
    if (launch?.kind !== 'pool') continue;
    const cost = (poolId: string) => market.costBetween(poolId, from, to);
    const best = run.workload.candidates
      .filter((c) => (market.priceAt(c.poolId, from) ?? Infinity) < run.workload.onDemandPrice)
      .map((c) => ({ poolId: c.poolId, cost: cost(c.poolId) }))
      .reduce((a, b) => (b.cost < a.cost ? b : a));
    const picked = { poolId: launch.poolId, cost: cost(launch.poolId) };
    staticCost += picked.cost;
    bound += picked.cost - best.cost;
    if (best.poolId !== picked.poolId) process.stdout.write(`${run.workload.instanceType}: static_spot launches in ${picked.poolId} ($${picked.cost.toFixed(4)}), hindsight best ${best.poolId} ($${best.cost.toFixed(4)})\n`);
  }
  process.stdout.write(`${JSON.stringify({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), static_spot_pool_cost_usd: Math.round(staticCost * 1e4) / 1e4, max_saving_at_equal_switches_usd: Math.round(bound * 1e4) / 1e4 })}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
