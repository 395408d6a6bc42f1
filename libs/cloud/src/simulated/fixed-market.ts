import { SpotPricePoint } from '../cloud-provider';
import { PlannedInterruption, SimulatedMarket } from './simulated-market';

/**
 * A market of given price changes and no interruptions of its own: tests and fixtures. The demo
 * replays real traces through the market-model lib instead.
 */
export class FixedMarket implements SimulatedMarket {
  private readonly byPool = new Map<string, SpotPricePoint[]>();
  private readonly plans: Array<(instance: { instanceId: string; instanceType: string; az: string; launchedAt: Date }) => PlannedInterruption | undefined> = [];

  constructor(points: SpotPricePoint[]) {
    for (const p of [...points].sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime())) {
      const key = `${p.instanceType}.${p.az}`;
      this.byPool.set(key, [...(this.byPool.get(key) ?? []), p]);
    }
  }

  /** The price of a pool from `at` on. */
  setPrice(instanceType: string, az: string, price: number, at: Date): void {
    const key = `${instanceType}.${az}`;
    const list = (this.byPool.get(key) ?? []).filter((p) => p.timestamp.getTime() < at.getTime());
    this.byPool.set(key, [...list, { instanceType, az, price, timestamp: at }]);
  }

  /** Interrupts the next spot launches the plan answers for. */
  planInterruptions(plan: (instance: { instanceId: string; instanceType: string; az: string; launchedAt: Date }) => PlannedInterruption | undefined): void {
    this.plans.push(plan);
  }

  spotPrice(instanceType: string, az: string, at: Date): number | undefined {
    const changes = this.byPool.get(`${instanceType}.${az}`) ?? [];
    let price: number | undefined;
    for (const p of changes) if (p.timestamp.getTime() <= at.getTime()) price = p.price;
    return price;
  }

  priceChanges(instanceType: string, az: string, from: Date, to: Date): SpotPricePoint[] {
    const changes = this.byPool.get(`${instanceType}.${az}`) ?? [];
    const inForce = [...changes].reverse().find((p) => p.timestamp.getTime() <= from.getTime());
    return [...(inForce ? [inForce] : []), ...changes.filter((p) => p.timestamp.getTime() > from.getTime() && p.timestamp.getTime() <= to.getTime())];
  }

  zonesOf(instanceType: string): string[] {
    return [...this.byPool.keys()].filter((k) => k.startsWith(`${instanceType}.`)).map((k) => k.slice(instanceType.length + 1)).sort();
  }

  interruptionFor(instance: { instanceId: string; instanceType: string; az: string; launchedAt: Date }): PlannedInterruption | undefined {
    for (const plan of this.plans) {
      const planned = plan(instance);
      if (planned) return planned;
    }
    return undefined;
  }
}
