import { AgentContext } from '../agent-context';

/** The price of a placement now: the catalog's on-demand price, or the pool's current spot price. */
export async function priceOf(ctx: AgentContext, mode: 'spot' | 'on-demand', instanceType: string, az: string, region: string): Promise<number | undefined> {
  if (mode === 'on-demand') return ctx.ports.catalog.onDemandPrice(region, instanceType);
  const prices = await ctx.ports.cloud.currentSpotPrices({ instanceTypes: [instanceType], azs: [az] }).catch(() => []);
  return prices[0]?.price;
}
