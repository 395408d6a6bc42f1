import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Between, DataSource } from 'typeorm';
import { defaultDataDirectory } from '@spot/catalog';
import { ManualClock } from '@spot/core';
import { BUCKET_MS, classifyGap, FilledGap, GAP_CLASSES, parsePriceTrace, PriceChange } from '@spot/data-valve';
import { PricingSnapshotCleanEntity, PricingSnapshotInterpolatedEntity } from '@spot/persistence';
import { describeEachDatabase, openMigratedDataSource } from '@spot/testing';
import { buildValve } from './valve-fixture';

/**
 * Gap filling on the real AWS price trace (eu-west-1, Dec 2021 – Mar 2022). The trace is a step
 * function, sampled into 5-minute observations; windows of each gap class are cut out around
 * real price changes (a flat stretch would make every method look perfect), filled, and
 * compared with the values that were removed.
 */
const TYPE = 'r5.xlarge';
const WINDOW_START = new Date('2022-01-10T00:00:00Z');
const WINDOW_END = new Date('2022-01-17T00:00:00Z');
const CUTS: Array<{ name: string; buckets: number; count: number }> = [
  { name: 'short', buckets: 2, count: 3 },
  { name: 'medium', buckets: 5, count: 3 },
  { name: 'long', buckets: 18, count: 3 },
  { name: 'too-long', buckets: 30, count: 1 },
  { name: 'blackout', buckets: 60, count: 1 },
];

interface Cut {
  name: string;
  poolId: string;
  gapStart: number;
  buckets: number;
  removed: Map<number, number>;
}

function traceFor(type: string): PriceChange[] {
  const csv = readFileSync(join(defaultDataDirectory(), 'prices', 'eu-west-1_linux_2021-12-13_2022-03-12.csv'), 'utf8');
  const all = parsePriceTrace(csv).changes.filter((c) => c.instanceType === type && c.at < WINDOW_END);
  // Each pool's state at the window start, then its changes inside the window …
  const state = new Map<string, PriceChange>();
  for (const c of all) if (c.at <= WINDOW_START) state.set(c.az, { ...c, at: WINDOW_START });
  const inside = all.filter((c) => c.at > WINDOW_START);
  // … and its last price repeated at the window end, so every series runs to the end.
  const last = new Map<string, PriceChange>(state);
  for (const c of inside) last.set(c.az, c);
  const end = [...last.values()].map((c) => ({ ...c, at: WINDOW_END }));
  return [...state.values(), ...inside, ...end].sort((a, b) => a.at.getTime() - b.at.getTime());
}

describeEachDatabase('GapFiller on the real eu-west-1 trace', (db) => {
  let dataSource: DataSource;
  const clock = new ManualClock(WINDOW_END.getTime() + 3_600_000);
  let valve: ReturnType<typeof buildValve>;
  const cuts: Cut[] = [];
  const series = new Map<string, Map<number, number>>(); // pool → bucket → real price

  beforeAll(async () => {
    dataSource = await openMigratedDataSource(db());
    valve = buildValve(dataSource, clock);
    const changes = traceFor(TYPE);
    const imported = await valve.importer.import(changes);
    expect(imported.rejected).toBe(0);
    const rows = await dataSource.getRepository(PricingSnapshotCleanEntity).find({ where: { bucketStart: Between(WINDOW_START, WINDOW_END) } });
    for (const r of rows) {
      const pool = series.get(r.poolId) ?? new Map<number, number>();
      pool.set(r.bucketStart.getTime(), r.spotPrice);
      series.set(r.poolId, pool);
    }
    expect([...series.keys()].sort()).toEqual([`${TYPE}.eu-west-1a`, `${TYPE}.eu-west-1b`, `${TYPE}.eu-west-1c`]);

    // Cut around real price changes, 8 h apart from each other, on pools in turn.
    const candidates = changes.filter((c) => c.at.getTime() > WINDOW_START.getTime() + 6 * 3_600_000 && c.at.getTime() < WINDOW_END.getTime() - 6 * 3_600_000);
    let lastCut = 0;
    let turn = 0;
    for (const spec of CUTS) {
      for (let n = 0; n < spec.count; n++) {
        const change = candidates.find((c) => c.at.getTime() > lastCut + 8 * 3_600_000 && c.az === ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'][turn % 3]) ??
          candidates.find((c) => c.at.getTime() > lastCut + 8 * 3_600_000);
        if (!change) throw new Error(`no price change left to cut a ${spec.name} gap around`);
        turn += 1;
        const poolId = `${TYPE}.${change.az}`;
        // The change falls inside the gap, a third of the way in.
        const gapStart = Math.ceil(change.at.getTime() / BUCKET_MS) * BUCKET_MS - Math.floor(spec.buckets / 3) * BUCKET_MS;
        const removed = new Map<number, number>();
        for (let k = 0; k < spec.buckets; k++) {
          const t = gapStart + k * BUCKET_MS;
          removed.set(t, series.get(poolId)?.get(t) as number);
        }
        await dataSource.getRepository(PricingSnapshotCleanEntity).delete({ poolId, bucketStart: Between(new Date(gapStart), new Date(gapStart + (spec.buckets - 1) * BUCKET_MS)) });
        cuts.push({ name: spec.name, poolId, gapStart, buckets: spec.buckets, removed });
        lastCut = gapStart + spec.buckets * BUCKET_MS;
      }
    }
  });
  afterAll(async () => {
    await dataSource?.destroy();
  });

  const gapOf = (fills: FilledGap[], cut: Cut) => fills.find((g) => g.poolId === cut.poolId && g.gapStart.getTime() === cut.gapStart);
  const realAround = (poolId: string, t: number, within: number) =>
    [...(series.get(poolId) ?? new Map<number, number>())].filter(([at]) => Math.abs(at - t) <= within && !cuts.some((c) => c.poolId === poolId && c.removed.has(at))).map(([, p]) => p);

  it('fills each gap class by its method and confidence, within bounds, and reports the error', async () => {
    const result = await valve.gapFiller.fill({ from: WINDOW_START, to: WINDOW_END });
    const report: string[] = [`gap fill error on ${TYPE} eu-west-1, ${WINDOW_START.toISOString().slice(0, 10)}..${WINDOW_END.toISOString().slice(0, 10)} (cuts around real price changes):`];
    for (const name of ['short', 'medium', 'long'] as const) {
      const errors: number[] = [];
      const relative: number[] = [];
      for (const cut of cuts.filter((c) => c.name === name)) {
        expect(classifyGap(cut.buckets)).toBe(name);
        const gap = gapOf(result.filled, cut);
        expect(gap).toMatchObject({ gapType: name, method: GAP_CLASSES[name].method, confidence: GAP_CLASSES[name].confidence, buckets: cut.buckets });
        for (const point of gap?.points ?? []) {
          const t = point.bucketStart.getTime();
          const real = cut.removed.get(t) as number;
          errors.push(Math.abs(point.price - real));
          relative.push(Math.abs(point.price - real) / real);
          if (name === 'short') {
            expect(point.price).toBeGreaterThanOrEqual(Math.min(gap!.priceBefore, gap!.priceAfter) - 1e-6);
            expect(point.price).toBeLessThanOrEqual(Math.max(gap!.priceBefore, gap!.priceAfter) + 1e-6);
          } else if (name === 'medium') {
            const around = realAround(cut.poolId, t, 3_600_000);
            expect(point.price).toBeGreaterThanOrEqual(Math.min(...around) - 1e-6);
            expect(point.price).toBeLessThanOrEqual(Math.max(...around) + 1e-6);
          } else {
            expect(gap!.peerPools?.sort()).toEqual([...series.keys()].filter((p) => p !== cut.poolId).sort());
            const moves = (gap!.peerPools ?? []).map((p) => (series.get(p)?.get(t) as number) / (series.get(p)?.get(cut.gapStart - BUCKET_MS) as number));
            expect(point.price).toBeGreaterThanOrEqual(gap!.priceBefore * Math.min(...moves) - 1e-6);
            expect(point.price).toBeLessThanOrEqual(gap!.priceBefore * Math.max(...moves) + 1e-6);
          }
        }
        // The clean series holds the fill with its source and confidence; the log records how.
        const stored = await dataSource.getRepository(PricingSnapshotCleanEntity).find({
          where: { poolId: cut.poolId, bucketStart: Between(new Date(cut.gapStart), new Date(cut.gapStart + (cut.buckets - 1) * BUCKET_MS)) },
        });
        expect(stored).toHaveLength(cut.buckets);
        expect(new Set(stored.map((s) => `${s.dataSource}/${s.confidenceScore}/${s.interpolationMethod}`))).toEqual(new Set([`interpolated/${GAP_CLASSES[name].confidence}/${GAP_CLASSES[name].method}`]));
        const log = await dataSource.getRepository(PricingSnapshotInterpolatedEntity).findBy({ poolId: cut.poolId, gapStart: new Date(cut.gapStart) });
        expect(log).toHaveLength(cut.buckets);
        expect(log[0]).toMatchObject({ gapType: name, interpolationMethod: GAP_CLASSES[name].method, gapBuckets: cut.buckets, priceBefore: gap!.priceBefore, priceAfter: gap!.priceAfter });
      }
      const mae = errors.reduce((a, b) => a + b, 0) / errors.length;
      const mape = (100 * relative.reduce((a, b) => a + b, 0)) / relative.length;
      const worst = 100 * Math.max(...relative);
      report.push(`  ${name.padEnd(7)} ${String(errors.length).padStart(3)} points  MAE $${mae.toFixed(6)}/h  MAPE ${mape.toFixed(3)} %  worst ${worst.toFixed(3)} %`);
      // A fill never strays far from the real market on this trace (prices move by a few % per change).
      expect(worst).toBeLessThan(10);
    }
    for (const name of ['too-long', 'blackout'] as const) {
      for (const cut of cuts.filter((c) => c.name === name)) {
        expect(gapOf(result.filled, cut)).toBeUndefined();
        expect(result.skipped).toContainEqual(expect.objectContaining({ poolId: cut.poolId, gapStart: new Date(cut.gapStart), buckets: cut.buckets, reason: name }));
        expect(await dataSource.getRepository(PricingSnapshotCleanEntity).countBy({ poolId: cut.poolId, bucketStart: new Date(cut.gapStart) })).toBe(0);
      }
      report.push(`  ${name.padEnd(8)} left empty (${cuts.find((c) => c.name === name)?.buckets} buckets)`);
    }
    // Only the cut windows were gaps.
    expect(result.filled).toHaveLength(cuts.filter((c) => ['short', 'medium', 'long'].includes(c.name)).length);
    console.log(report.join('\n'));
  });

  it('finds nothing more to fill on a second run', async () => {
    const again = await valve.gapFiller.fill({ from: WINDOW_START, to: WINDOW_END });
    expect(again.pointsFilled).toBe(0);
    expect(again.skipped).toHaveLength(2);
  });

  it('falls back to a straight line for a long gap no peer covered', async () => {
    const cut = cuts.find((c) => c.name === 'long') as Cut;
    const others = [...series.keys()].filter((p) => p !== cut.poolId);
    const later = cut.gapStart + 12 * 3_600_000;
    for (const poolId of [cut.poolId, ...others]) {
      await dataSource.getRepository(PricingSnapshotCleanEntity).delete({ poolId, bucketStart: Between(new Date(later), new Date(later + 9 * BUCKET_MS)) });
    }
    const result = await valve.gapFiller.fill({ from: WINDOW_START, to: WINDOW_END, poolIds: [cut.poolId] });
    expect(result.filled).toEqual([expect.objectContaining({ poolId: cut.poolId, gapType: 'long', method: 'linear-no-peers', confidence: 0.7, buckets: 10, peerPools: null })]);
  });
});
