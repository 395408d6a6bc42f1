import { INTERRUPTION_NOTICE_MS, MarketModel } from '@spot/market-model';
import { SpotPricePoint } from '../cloud-provider';
import { PlannedInterruption, SimulatedMarket } from './simulated-market';

export interface ReplayOptions {
  /** Trace instant replayed at `wallStart`. */
  traceStart: Date;
  /** Cloud-clock instant where the replay starts. */
  wallStart: Date;
  /** Trace milliseconds per cloud millisecond (1 = real time, 60 = an hour a minute). */
  speed: number;
  /** How far ahead (trace time) an instance's interruption is looked for. */
  horizonMs?: number;
  /** Shortest rebalance lead kept after compression (the agent polls every few seconds). */
  minRebalanceLeadMs?: number;
}

/**
 * The market-model lib (real trace as a step function per pool, seeded interruptions) replayed
 * on the cloud clock, time-compressed by `speed`. Prices follow the trace at trace time; an
 * interruption keeps its real 2-minute notice before the (compressed) moment AWS acts, and its
 * rebalance lead is compressed but never below `minRebalanceLeadMs`.
 */
export class TraceReplayMarket implements SimulatedMarket {
  private readonly zones = new Map<string, string[]>();

  constructor(
    private readonly model: MarketModel,
    private readonly options: ReplayOptions,
  ) {
    for (const pool of model.pools()) this.zones.set(pool.instanceType, [...(this.zones.get(pool.instanceType) ?? []), pool.az].sort());
  }

  toTrace(wall: Date | number): number {
    const t = typeof wall === 'number' ? wall : wall.getTime();
    return this.options.traceStart.getTime() + (t - this.options.wallStart.getTime()) * this.options.speed;
  }

  toWall(trace: Date | number): number {
    const t = typeof trace === 'number' ? trace : trace.getTime();
    return this.options.wallStart.getTime() + (t - this.options.traceStart.getTime()) / this.options.speed;
  }

  spotPrice(instanceType: string, az: string, at: Date): number | undefined {
    return this.model.priceAt(`${instanceType}.${az}`, this.toTrace(at)) ?? undefined;
  }

  priceChanges(instanceType: string, az: string, from: Date, to: Date): SpotPricePoint[] {
    const poolId = `${instanceType}.${az}`;
    if (!this.model.pool(poolId)) return [];
    const start = this.toTrace(from);
    const end = this.toTrace(to) + 1;
    return this.model.segments(poolId, start, end).map((s, i) => ({
      instanceType,
      az,
      price: s.price,
      // The first segment is the price in force at `from`: it took effect no later than that.
      timestamp: new Date(i === 0 ? Math.min(from.getTime(), this.toWall(s.from)) : this.toWall(s.from)),
    }));
  }

  zonesOf(instanceType: string): string[] {
    return this.zones.get(instanceType) ?? [];
  }

  interruptionFor(instance: { instanceId: string; instanceType: string; az: string; launchedAt: Date }): PlannedInterruption | undefined {
    const poolId = `${instance.instanceType}.${instance.az}`;
    if (!this.model.pool(poolId)) return undefined;
    const launched = this.toTrace(instance.launchedAt);
    const event = this.model.interruptionFor(poolId, launched, launched + (this.options.horizonMs ?? 30 * 86_400_000), instance.instanceId);
    if (!event) return undefined;
    // The notice stays 2 real minutes, so the action cannot come sooner than that after launch.
    const actionAt = Math.max(this.toWall(event.interruptAt), instance.launchedAt.getTime() + INTERRUPTION_NOTICE_MS);
    const lead = event.rebalanceAt ? Math.max(this.options.minRebalanceLeadMs ?? 60_000, (event.interruptAt.getTime() - event.rebalanceAt.getTime()) / this.options.speed) : undefined;
    return {
      actionAt: new Date(actionAt),
      ...(lead !== undefined ? { rebalanceAt: new Date(Math.max(instance.launchedAt.getTime(), actionAt - INTERRUPTION_NOTICE_MS - lead)) } : {}),
      action: 'terminate',
    };
  }
}
