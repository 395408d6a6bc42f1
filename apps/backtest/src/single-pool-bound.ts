import { InstanceCatalog } from '@spot/catalog';
import { loadMarketModel } from '@spot/market-model';
import { workloadsOf } from '@spot/backtest';

/**
 * The most any strategy can save over static_spot at static_spot's availability when nothing is
 * interrupted: it may move each workload once (the launch), so the best it can do is launch in
 * the pool that turns out cheapest over the window instead of the cheapest at launch.
 * `npm run build && node dist/apps/backtest/src/single-pool-bound.js [<from iso> <to iso>]`
 * (default: the held-out last 30 days). Prices only: the same for every seed.
 */
function main(argv: string[]): void {
  const from = Date.parse(argv[0] ?? '2022-02-10T23:00:00Z');
  const to = Date.parse(argv[1] ?? '2022-03-12T23:00:00Z');
  if (!(to > from)) throw new Error('usage: single-pool-bound.js [<from iso> <to iso>]');
  const catalog = InstanceCatalog.fromDirectory();
  const market = loadMarketModel({ seed: 1, catalog });
  let staticCost = 0;
  let bound = 0;
  for (const w of workloadsOf(market, catalog, 'eu-west-1')) {
    const pools = w.candidates
      .map((c) => ({ poolId: c.poolId, atLaunch: market.priceAt(c.poolId, from), cost: market.costBetween(c.poolId, from, to) }))
      .filter((p): p is { poolId: string; atLaunch: number; cost: number } => p.atLaunch !== null && p.atLaunch < w.onDemandPrice);
    if (pools.length === 0) continue;
    const picked = pools.reduce((a, b) => (b.atLaunch < a.atLaunch ? b : a));
    const best = pools.reduce((a, b) => (b.cost < a.cost ? b : a));
    staticCost += picked.cost;
    bound += picked.cost - best.cost;
    if (best.poolId !== picked.poolId) process.stdout.write(`${w.instanceType}: static_spot launches in ${picked.poolId} ($${picked.cost.toFixed(4)}), hindsight best ${best.poolId} ($${best.cost.toFixed(4)})\n`);
  }
  process.stdout.write(`${JSON.stringify({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), static_spot_pool_cost_usd: Math.round(staticCost * 1e4) / 1e4, max_saving_at_equal_switches_usd: Math.round(bound * 1e4) / 1e4 })}\n`);
}

main(process.argv.slice(2));
