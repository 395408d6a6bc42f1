import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDataDirectory, InstanceCatalog } from '@spot/catalog';
import { parsePriceTrace } from '@spot/data-valve';
import {
  advisorBucketsOf,
  ELEVATED_HAZARD_FACTOR,
  HOUR_MS,
  INTERRUPTION_NOTICE_MS,
  InterruptionEvent,
  loadMarketModel,
  MarketModel,
  SHIPPED_PRICE_TRACE,
  TracePriceChange,
} from '@spot/market-model';

const DAY_MS = 24 * HOUR_MS;
const T0 = Date.parse('2022-01-01T00:00:00Z');
const at = (offsetMs: number) => new Date(T0 + offsetMs);
const change = (offsetMs: number, price: number, instanceType = 'c5.large', az = 'eu-west-1a'): TracePriceChange => ({ at: at(offsetMs), instanceType, az, price });

/** c5.large.eu-west-1a at 0.10 for 10 days, then 0.12 (20 % above its median) for a day, then back to 0.10. */
function spikeTrace(): TracePriceChange[] {
  return [change(0, 0.1), change(10 * DAY_MS, 0.12), change(11 * DAY_MS, 0.1)];
}
const bucket4 = () => 4;

describe('MarketModel', () => {
  describe('price replay', () => {
    const model = MarketModel.fromTrace([change(0, 0.1), change(2 * HOUR_MS + 30 * 60_000, 0.2), change(5 * HOUR_MS, 0.15), change(HOUR_MS, 0.5, 'm5.large')], { advisor: bucket4, seed: 1 });

    it('answers the price in force at any time, as a step function per pool', () => {
      expect(model.priceAt('c5.large.eu-west-1a', at(-1))).toBeNull();
      expect(model.priceAt('c5.large.eu-west-1a', at(0))).toBe(0.1);
      expect(model.priceAt('c5.large.eu-west-1a', at(2 * HOUR_MS + 30 * 60_000 - 1))).toBe(0.1);
      expect(model.priceAt('c5.large.eu-west-1a', at(2 * HOUR_MS + 30 * 60_000))).toBe(0.2);
      expect(model.priceAt('c5.large.eu-west-1a', at(100 * DAY_MS))).toBe(0.15);
      expect(model.priceAt('m5.large.eu-west-1a', at(0))).toBeNull();
      expect(model.priceAt('m5.large.eu-west-1a', at(HOUR_MS))).toBe(0.5);
      expect(model.priceAt('nope.eu-west-1a', at(HOUR_MS))).toBeNull();
      expect(model.pools().map((p) => p.poolId)).toEqual(['c5.large.eu-west-1a', 'm5.large.eu-west-1a']);
      expect(model.span()).toEqual({ from: at(0), to: at(5 * HOUR_MS) });
    });

    it('splits a window into price segments and bills it per second at the price in force', () => {
      expect(model.segments('c5.large.eu-west-1a', at(HOUR_MS), at(6 * HOUR_MS))).toEqual([
        { from: at(HOUR_MS), to: at(2.5 * HOUR_MS), price: 0.1 },
        { from: at(2.5 * HOUR_MS), to: at(5 * HOUR_MS), price: 0.2 },
        { from: at(5 * HOUR_MS), to: at(6 * HOUR_MS), price: 0.15 },
      ]);
      expect(model.costBetween('c5.large.eu-west-1a', at(HOUR_MS), at(6 * HOUR_MS))).toBeCloseTo(1.5 * 0.1 + 2.5 * 0.2 + 0.15, 10);
      expect(model.costBetween('c5.large.eu-west-1a', at(0), at(1000))).toBeCloseTo((0.1 * 1) / 3600, 12);
      // Nothing is billed before the pool's first price.
      expect(model.costBetween('m5.large.eu-west-1a', at(0), at(2 * HOUR_MS))).toBeCloseTo(0.5, 10);
    });

    it('replays the shipped trace row for row', () => {
      const market = loadMarketModel({ seed: 7 });
      expect(market.pools()).toHaveLength(30);
      // Rows of resources/aws-data/prices/eu-west-1_linux_2021-12-13_2022-03-12.csv.
      expect(market.priceAt('c5.xlarge.eu-west-1a', new Date('2021-12-13T17:24:07Z'))).toBe(0.0773);
      expect(market.priceAt('c5.xlarge.eu-west-1a', new Date('2021-12-13T17:24:06Z'))).toBeNull();
      expect(market.priceAt('r5.xlarge.eu-west-1b', new Date('2022-03-12T23:59:59Z'))).toBe(0.1029);
      expect(market.span().to).toEqual(new Date('2022-03-12T23:23:27Z'));
    });
  });

  describe('interruption hazard', () => {
    it('comes from the Advisor bucket midpoint, tripled while the price is > 10 % above its trailing 7-day median', () => {
      const catalog = InstanceCatalog.fromDirectory();
      const market = loadMarketModel({ seed: 1, catalog });
      for (const pool of market.pools()) {
        expect(pool.advisorBucket).toBe(catalog.advisorEntry('eu-west-1', pool.instanceType)?.bucket);
        expect(pool.monthlyInterruptionRate).toBe([0.025, 0.075, 0.125, 0.175, 0.25][pool.advisorBucket]);
      }

      const model = MarketModel.fromTrace(spikeTrace(), { advisor: bucket4, seed: 1 });
      const pool = 'c5.large.eu-west-1a';
      const base = -Math.log(1 - 0.25) / 720;
      expect(model.hazardPerHour(pool, at(9 * DAY_MS))).toBeCloseTo(base, 12);
      expect(model.trailingMedian(pool, at(10 * DAY_MS + 2 * HOUR_MS))).toBe(0.1);
      expect(model.isElevated(pool, at(10 * DAY_MS + 2 * HOUR_MS))).toBe(true);
      expect(model.hazardPerHour(pool, at(10 * DAY_MS + 2 * HOUR_MS))).toBeCloseTo(ELEVATED_HAZARD_FACTOR * base, 12);
      expect(model.isElevated(pool, at(11 * DAY_MS + HOUR_MS))).toBe(false);
      // No median during the first day of a pool: never elevated; no hazard before the pool exists.
      expect(model.trailingMedian(pool, at(10 * HOUR_MS))).toBeNull();
      expect(model.hazardPerHour(pool, at(-2 * HOUR_MS))).toBe(0);
      // A price exactly 10 % above the median is not "more than 10 %".
      const edge = MarketModel.fromTrace([change(0, 0.1), change(10 * DAY_MS, 0.11)], { advisor: bucket4, seed: 1 });
      expect(edge.isElevated(pool, at(10 * DAY_MS + HOUR_MS))).toBe(false);
      // An unknown type gets the middle bucket.
      expect(MarketModel.fromTrace(spikeTrace(), { advisor: () => undefined, seed: 1 }).pools()[0].monthlyInterruptionRate).toBe(0.125);
    });

    it('draws three times as many interruptions in elevated hours (many independent instances)', () => {
      const model = MarketModel.fromTrace(spikeTrace(), { advisor: bucket4, seed: 42 });
      const pool = 'c5.large.eu-west-1a';
      const draws = 200_000;
      let normal = 0;
      let elevated = 0;
      for (let i = 0; i < draws; i++) {
        if (model.interruptionInHour(pool, at(9 * DAY_MS), `i-${i}`)) normal++;
        if (model.interruptionInHour(pool, at(10 * DAY_MS + 5 * HOUR_MS), `i-${i}`)) elevated++;
      }
      const base = 1 - Math.exp(-(-Math.log(0.75) / 720));
      // Expected ≈ 80 and ≈ 240 events (the draws are seeded, so this is reproducible).
      expect(Math.abs(normal - draws * base)).toBeLessThan(4 * Math.sqrt(draws * base));
      expect(elevated / normal).toBeGreaterThan(2.2);
      expect(elevated / normal).toBeLessThan(3.8);
    });
  });

  describe('warnings', () => {
    const model = MarketModel.fromTrace(spikeTrace(), { advisor: bucket4, seed: 3 });
    const events: InterruptionEvent[] = [];
    for (let i = 0; events.length < 3000; i++) {
      const event = model.interruptionInHour('c5.large.eu-west-1a', at(10 * DAY_MS + (i % 20) * HOUR_MS), `k${i}`);
      if (event) events.push(event);
    }

    it('gives every interruption the 2-minute notice', () => {
      for (const e of events) expect(e.interruptAt.getTime() - e.noticeAt.getTime()).toBe(INTERRUPTION_NOTICE_MS);
    });

    it('precedes 60 % of interruptions by a rebalance recommendation 10–20 minutes earlier', () => {
      const warned = events.filter((e) => e.rebalanceAt !== null);
      // 3000 draws: the standard deviation of the share is 0.9 %.
      expect(warned.length / events.length).toBeGreaterThan(0.56);
      expect(warned.length / events.length).toBeLessThan(0.64);
      const leads = warned.map((e) => (e.interruptAt.getTime() - (e.rebalanceAt as Date).getTime()) / 60_000);
      expect(Math.min(...leads)).toBeGreaterThanOrEqual(10);
      expect(Math.max(...leads)).toBeLessThanOrEqual(20);
      // Spread over the whole range, not stuck at one end.
      expect(leads.filter((m) => m < 15).length / leads.length).toBeGreaterThan(0.4);
      expect(leads.filter((m) => m > 15).length / leads.length).toBeGreaterThan(0.4);
    });

    it('places interruptions across the hour', () => {
      const minutes = events.map((e) => new Date(e.interruptAt).getUTCMinutes());
      expect(minutes.filter((m) => m < 30).length / minutes.length).toBeGreaterThan(0.4);
      expect(minutes.filter((m) => m >= 30).length / minutes.length).toBeGreaterThan(0.4);
    });
  });

  describe('determinism', () => {
    const market = loadMarketModel({ seed: 2022 });
    const { from, to } = market.span();

    it('gives the same schedule for the same seed, whatever the query order or window', () => {
      const all = market.eventsBetween(from, to);
      expect(all.length).toBeGreaterThan(0);
      const again = loadMarketModel({ seed: 2022 });
      // Query the second copy backwards, week by week, after asking about single pools first.
      again.interruptionFor('t3.large.eu-west-1c', to, new Date(to.getTime() + 30 * DAY_MS));
      const weeks: InterruptionEvent[][] = [];
      for (let end = to.getTime(); end > from.getTime(); end -= 7 * DAY_MS) weeks.unshift(again.eventsBetween(Math.max(from.getTime(), end - 7 * DAY_MS), end));
      const last = again.eventsBetween(to, to.getTime() + 1);
      expect([...weeks.flat(), ...last]).toEqual(all);
    });

    it('differs between seeds and between instance keys', () => {
      const other = loadMarketModel({ seed: 2023 }).eventsBetween(from, to);
      const all = market.eventsBetween(from, to);
      expect(other).not.toEqual(all);
      expect(market.eventsBetween(from, to, 'i-123')).not.toEqual(all);
    });

    it('matches the hazard on the real trace in expectation', () => {
      let expected = 0;
      for (const pool of market.pools()) {
        for (let t = Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS; t < to.getTime(); t += HOUR_MS) expected += market.hazardPerHour(pool.poolId, t);
      }
      // The trace is read once and each seed's market built from it (what loadMarketModel does per call).
      const catalog = InstanceCatalog.fromDirectory();
      const trace = parsePriceTrace(readFileSync(join(defaultDataDirectory(), SHIPPED_PRICE_TRACE), 'utf8')).changes;
      let seen = 0;
      for (let seed = 0; seed < 30; seed++) seen += MarketModel.fromTrace(trace, { seed, advisor: advisorBucketsOf(catalog, 'eu-west-1') }).eventsBetween(from, to).length;
      expect(Math.abs(seen - 30 * expected)).toBeLessThan(4 * Math.sqrt(30 * expected));
    });

    it('finds the elevated hours of the real trace the same way as the direct median', () => {
      // Every hour of every pool; mismatches are collected and asserted once (72,000 expect() calls were most of the time).
      const mismatches: string[] = [];
      for (const pool of market.pools()) {
        for (let t = Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS; t < to.getTime() + 10 * DAY_MS; t += HOUR_MS) {
          const price = market.priceAt(pool.poolId, t);
          const median = market.trailingMedian(pool.poolId, t);
          const direct = price !== null && median !== null && price > 1.1 * median;
          const elevated = market.isElevated(pool.poolId, t);
          if (elevated !== direct) mismatches.push(`${pool.poolId} ${new Date(t).toISOString()}: ${elevated} vs ${direct}`);
        }
      }
      expect(mismatches).toEqual([]);
    });

    it('answers interruptionFor with the first interruption noticed after the launch', () => {
      const event = market.eventsBetween(from, to)[0];
      const pool = event.poolId;
      expect(market.interruptionFor(pool, from, to)).toEqual(event);
      // Launched after the notice: that interruption does not hit this instance.
      const later = market.interruptionFor(pool, event.noticeAt.getTime() + 1, to);
      expect(later === null || later.interruptAt.getTime() > event.interruptAt.getTime()).toBe(true);
      // Launched between the rebalance recommendation and the notice: interrupted without the recommendation.
      if (event.rebalanceAt) {
        expect(market.interruptionFor(pool, event.rebalanceAt.getTime() + 1000, to)).toEqual({ ...event, rebalanceAt: null });
      }
      expect(market.interruptionFor(pool, from, event.interruptAt)).toBeNull();
    });
  });
});
