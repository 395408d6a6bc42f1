import { DataSource } from 'typeorm';
import { ManualClock } from '@spot/core';
import { InstanceCatalog } from '@spot/catalog';
import { CandidatePools, MarketPrices, PoolDirectory, priceStatsOf } from '@spot/data-valve';
import { insertRow, PricingSnapshotCleanEntity } from '@spot/persistence';
import { describeEachDatabase, openMigratedDataSource } from '@spot/testing';

describeEachDatabase('MarketPrices and PoolDirectory', (db) => {
  let dataSource: DataSource;
  const clock = new ManualClock('2026-11-24T12:00:00Z');

  beforeAll(async () => {
    dataSource = await openMigratedDataSource(db());
  });
  afterAll(async () => {
    await dataSource?.destroy();
  });

  const point = (poolId: string, at: string, spotPrice: number): PricingSnapshotCleanEntity => ({
    poolId,
    bucketStart: new Date(at),
    spotPrice,
    onDemandPrice: 0.096,
    dataSource: 'primary',
    confidenceScore: 1,
    interpolationMethod: null,
    flaggedForReview: false,
    sourceCount: 1,
    createdAt: clock.now(),
    updatedAt: clock.now(),
  });

  it('creates pools once, even when asked concurrently', async () => {
    const directories = [new PoolDirectory(dataSource, clock), new PoolDirectory(dataSource, clock)];
    await Promise.all(directories.map((d) => d.ensure('m5.large', 'us-east-1', 'us-east-1a')));
    await directories[0].ensure('m5.large', 'us-east-1', 'us-east-1b');
    await directories[0].ensure('c5.large', 'us-east-1', 'us-east-1a');
    expect((await directories[1].forTypes('us-east-1', ['m5.large'])).map((p) => p.id)).toEqual(['m5.large.us-east-1a', 'm5.large.us-east-1b']);
    expect(await directories[1].byIds(['c5.large.us-east-1a'])).toEqual([{ id: 'c5.large.us-east-1a', instanceType: 'c5.large', region: 'us-east-1', az: 'us-east-1a' }]);
  });

  it('reads the newest point per pool and a series in time order', async () => {
    await insertRow(dataSource.manager, PricingSnapshotCleanEntity, [
      point('m5.large.us-east-1a', '2026-11-24T11:50:00Z', 0.031),
      point('m5.large.us-east-1a', '2026-11-24T11:55:00Z', 0.032),
      point('m5.large.us-east-1b', '2026-11-24T11:45:00Z', 0.041),
    ]);
    const prices = new MarketPrices(dataSource);
    const latest = await prices.latest(['m5.large.us-east-1a', 'm5.large.us-east-1b', 'c5.large.us-east-1a']);
    expect([...latest.keys()].sort()).toEqual(['m5.large.us-east-1a', 'm5.large.us-east-1b']);
    expect(latest.get('m5.large.us-east-1a')).toMatchObject({ spotPrice: 0.032, bucketStart: new Date('2026-11-24T11:55:00Z'), source: 'primary', confidence: 1 });
    expect(latest.get('m5.large.us-east-1b')?.spotPrice).toBe(0.041);
    const series = await prices.series('m5.large.us-east-1a', new Date('2026-11-24T11:00:00Z'), new Date('2026-11-24T12:00:00Z'));
    expect(series.map((p) => p.spotPrice)).toEqual([0.031, 0.032]);
  });

  it('summarises prices per pool: mean, range and volatility', async () => {
    const stats = await new MarketPrices(dataSource).stats(['m5.large.us-east-1a', 'm5.large.us-east-1b'], new Date('2026-11-24T11:00:00Z'), new Date('2026-11-24T12:00:00Z'));
    expect(stats.get('m5.large.us-east-1a')).toMatchObject({ min: 0.031, max: 0.032, samples: 2 });
    expect(stats.get('m5.large.us-east-1a')?.volatility).toBeCloseTo(0.0005 / 0.0315, 6);
    expect(stats.get('m5.large.us-east-1b')?.volatility).toBe(0);
  });

  it('lists candidate pools of a workload: its type in other AZs and similar types, with latest prices', async () => {
    const directory = new PoolDirectory(dataSource, clock);
    await directory.ensure('m5.large', 'eu-west-1', 'eu-west-1a');
    await directory.ensure('m5.large', 'eu-west-1', 'eu-west-1b');
    await directory.ensure('m5a.large', 'eu-west-1', 'eu-west-1a');
    await directory.ensure('m6g.large', 'eu-west-1', 'eu-west-1a'); // arm64: not a candidate for x86 m5
    await directory.ensure('t3.large', 'eu-west-1', 'eu-west-1a'); // burstable: not for a non-burstable workload
    await directory.ensure('m5.large', 'us-east-1', 'us-east-1c'); // another region
    await insertRow(dataSource.manager, PricingSnapshotCleanEntity, [point('m5.large.eu-west-1b', '2026-11-24T11:55:00Z', 0.04)]);
    const candidates = await new CandidatePools(InstanceCatalog.fromDirectory(), directory, new MarketPrices(dataSource)).forWorkload({ region: 'eu-west-1', instanceType: 'm5.large' });
    expect(candidates.map((c) => [c.poolId, c.sameType])).toEqual([
      ['m5.large.eu-west-1a', true],
      ['m5.large.eu-west-1b', true],
      ['m5a.large.eu-west-1a', false],
    ]);
    expect(candidates[1]).toMatchObject({ spotPrice: 0.04, onDemandPrice: 0.107, priceSource: 'primary', vcpu: 2, memoryGiB: 8 });
    expect(candidates[0].spotPrice).toBeNull();
  });
});

describe('priceStatsOf', () => {
  it('is flat for one price', () => {
    expect(priceStatsOf([0.05])).toEqual({ mean: 0.05, min: 0.05, max: 0.05, volatility: 0, samples: 1 });
  });
});
