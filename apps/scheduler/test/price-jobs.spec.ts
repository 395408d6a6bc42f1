import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ManualClock } from '@spot/core';
import { PriceIngest } from '@spot/data-valve';
import { PoolRiskAnalysisEntity, PricingSnapshotCleanEntity, PricingSubmissionRawEntity } from '@spot/persistence';
import { describeEachDatabase, startTestScheduler } from '@spot/testing';
import { PriceAggregationJob } from '../src/jobs/price-aggregation.job';
import { PriceGapFillJob } from '../src/jobs/price-gap-fill.job';
import { PriceRetentionJob } from '../src/jobs/price-retention.job';

describeEachDatabase('price jobs: gap fill every 15 min, hourly aggregates, daily retention', (db) => {
  let app: INestApplicationContext;
  const clock = new ManualClock('2026-11-24T12:00:00.000Z');
  const logLines: string[] = [];

  beforeAll(async () => {
    app = await startTestScheduler(db(), clock, logLines);
  });
  afterAll(async () => app?.close());

  it('fills gaps, aggregates hours and purges old prices through the job runner', async () => {
    const ds = app.get(DataSource);
    await app.get(PriceIngest).ingest({
      clientId: 'c',
      agentId: 'a',
      instanceId: null,
      role: 'primary',
      region: 'eu-west-1',
      observations: [
        { instanceType: 'm5.large', az: 'eu-west-1a', spotPrice: 0.04, observedAt: '2026-11-24T10:00:00Z' },
        { instanceType: 'm5.large', az: 'eu-west-1a', spotPrice: 0.046, observedAt: '2026-11-24T10:20:00Z' },
      ],
    });
    expect(await app.get(PriceGapFillJob).run()).toEqual({ status: 'completed', summary: 'filled 3 points in 1 gaps over 1 pools; 0 left empty' });
    expect(await ds.getRepository(PricingSnapshotCleanEntity).countBy({ dataSource: 'interpolated', interpolationMethod: 'weighted-average' })).toBe(3);

    expect(await app.get(PriceAggregationJob).run()).toEqual({ status: 'completed', summary: 'wrote 1 pool-hours over the last 6 hours' });
    expect(await ds.getRepository(PoolRiskAnalysisEntity).findOneBy({ poolId: 'm5.large.eu-west-1a' })).toMatchObject({ sampleCount: 5, interpolatedCount: 3, minPrice: 0.04, maxPrice: 0.046 });

    clock.set('2026-12-02T02:00:00Z');
    expect(await app.get(PriceRetentionJob).run()).toEqual({ status: 'completed', summary: 'removed 2 raw submissions, 0 clean points, 0 interpolation log entries' });
    expect(await ds.getRepository(PricingSubmissionRawEntity).count()).toBe(0);
    expect(logLines.some((l) => /\[FILL-PRICE-GAPS\] \[SUCCESS\]/.test(l))).toBe(true);
  });
});
