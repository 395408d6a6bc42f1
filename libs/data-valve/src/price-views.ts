import { InstanceCatalog } from '@spot/catalog';
import { CandidatePool, CandidatePools } from './candidate-pools';
import { MarketPrices, PoolPricePoint } from './market-prices';
import { DAY_MS } from './price-buckets';
import { PoolDirectory, SpotPool } from './pool-directory';
import { Clock, DomainError } from '@spot/core';

export interface PoolHistory {
  pool: SpotPool;
  from: Date;
  to: Date;
  points: PoolPricePoint[];
}

export interface CandidateHistory extends PoolHistory {
  sameType: boolean;
  isCurrent: boolean;
}

/** Where an instance runs now, as the identity records say. */
export interface InstancePlacement {
  region: string;
  instanceType: string;
  az: string;
  currentMode: string;
  currentPoolId: string | null;
}

export interface SwitchOption {
  kind: 'on-demand' | 'spot';
  poolId: string | null;
  instanceType: string;
  az: string | null;
  hourlyPrice: number | null;
  onDemandPrice: number | null;
  savingsPercent: number | null;
  priceSource: PoolPricePoint['source'] | null;
  priceAt: Date | null;
  confidence: number | null;
  sameType: boolean;
  isCheapest: boolean;
  isCurrent: boolean;
}

export interface SwitchingPanel {
  onDemandPrice: number | null;
  options: SwitchOption[];
}

/** Read models of the portal's price charts and switching panel, over the clean series. */
export class PriceViews {
  constructor(
    private readonly catalog: InstanceCatalog,
    private readonly pools: PoolDirectory,
    private readonly prices: MarketPrices,
    private readonly candidates: CandidatePools,
    private readonly clock: Clock,
  ) {}

  /** A pool's 5-minute series over the last `days` days; unknown pools are not found. */
  async poolHistory(poolId: string, days: number): Promise<PoolHistory> {
    const [pool] = await this.pools.byIds([poolId]);
    if (!pool) throw DomainError.notFound('pool', poolId);
    const { from, to } = this.window(days);
    return { pool, from, to, points: await this.prices.series(pool.id, from, to) };
  }

  /** The series of every pool the instance could move to (its own type in every AZ, similar types). */
  async candidateHistory(placement: InstancePlacement, days: number): Promise<CandidateHistory[]> {
    const { from, to } = this.window(days);
    const candidates = await this.candidates.forWorkload(placement);
    const result: CandidateHistory[] = [];
    for (const c of candidates) {
      result.push({
        pool: { id: c.poolId, instanceType: c.instanceType, region: c.region, az: c.az },
        from,
        to,
        points: await this.prices.series(c.poolId, from, to),
        sameType: c.sameType,
        isCurrent: c.poolId === placement.currentPoolId,
      });
    }
    return result;
  }

  /**
   * The switching panel: on-demand first, then every candidate pool with its current spot
   * price and the saving against the instance type's on-demand price, cheapest first.
   */
  async switchingPanel(placement: InstancePlacement): Promise<SwitchingPanel> {
    const onDemandPrice = this.catalog.onDemandPrice(placement.region, placement.instanceType) ?? null;
    const candidates = await this.candidates.forWorkload(placement);
    const savings = (price: number | null) => (price === null || !onDemandPrice ? null : Math.round(10000 * (1 - price / onDemandPrice)) / 100);
    const spot = candidates
      .map((c: CandidatePool): SwitchOption => ({
        kind: 'spot',
        poolId: c.poolId,
        instanceType: c.instanceType,
        az: c.az,
        hourlyPrice: c.spotPrice,
        onDemandPrice: c.onDemandPrice,
        savingsPercent: savings(c.spotPrice),
        priceSource: c.priceSource,
        priceAt: c.priceAt,
        confidence: c.priceConfidence,
        sameType: c.sameType,
        isCheapest: false,
        isCurrent: placement.currentMode === 'spot' && c.poolId === placement.currentPoolId,
      }))
      .sort((a, b) => (a.hourlyPrice ?? Infinity) - (b.hourlyPrice ?? Infinity));
    const onDemand: SwitchOption = {
      kind: 'on-demand',
      poolId: null,
      instanceType: placement.instanceType,
      az: null,
      hourlyPrice: onDemandPrice,
      onDemandPrice,
      savingsPercent: onDemandPrice === null ? null : 0,
      priceSource: null,
      priceAt: null,
      confidence: null,
      sameType: true,
      isCheapest: false,
      isCurrent: placement.currentMode === 'on-demand',
    };
    const options = [onDemand, ...spot];
    const priced = options.filter((o) => o.hourlyPrice !== null);
    if (priced.length) {
      const cheapest = Math.min(...priced.map((o) => o.hourlyPrice as number));
      for (const o of priced) o.isCheapest = o.hourlyPrice === cheapest;
    }
    return { onDemandPrice, options };
  }

  private window(days: number): { from: Date; to: Date } {
    const to = this.clock.now();
    return { from: new Date(to.getTime() - days * DAY_MS), to };
  }
}
