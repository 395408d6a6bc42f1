import { DataSource, EntityManager } from 'typeorm';
import { CryptoIdGenerator, InMemoryCacheFactory, ManualClock } from '@spot/core';
import { LatestPriceCache, PoolDirectory, PriceIngest, PriceReport } from '@spot/data-valve';
import { TransactionRunner, insertRow, PricingSnapshotCleanEntity, PricingSnapshotInterpolatedEntity, PricingSubmissionRawEntity, PoolRiskAnalysisEntity, SystemEventEntity } from '@spot/persistence';
import { describeEachDatabase, openMigratedDataSource } from '@spot/testing';
import { buildValve } from './valve-fixture';

class RolledBack extends Error {}

/**
 * The first transaction runs its work and is rolled back, as a deadlock victim is; `between` runs
 * before the runner runs the same work again (what TransactionRunner does after a deadlock).
 */
class FirstAttemptRolledBack extends TransactionRunner {
  private first = true;

  constructor(
    dataSource: DataSource,
    private readonly between: () => Promise<unknown>,
  ) {
    super(dataSource);
  }

  override async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.first) return super.run(work);
    this.first = false;
    await super
      .run(async (manager) => {
        await work(manager);
        throw new RolledBack();
      })
      .catch((error: unknown) => {
        if (!(error instanceof RolledBack)) throw error;
      });
    await this.between();
    return super.run(work);
  }
}

const NOW = '2026-11-24T12:00:00.000Z';

describeEachDatabase('PriceIngest: validation, raw trail, dedup and the clean series', (db) => {
  let dataSource: DataSource;
  let clock: ManualClock;
  let valve: ReturnType<typeof buildValve>;

  beforeAll(async () => {
    dataSource = await openMigratedDataSource(db());
  });
  beforeEach(() => {
    clock = new ManualClock(NOW);
    valve = buildValve(dataSource, clock);
  });
  afterAll(async () => {
    await dataSource?.destroy();
  });

  const report = (observations: PriceReport['observations'], over: Partial<PriceReport> = {}): PriceReport => ({
    clientId: 'client-1',
    agentId: 'agent-1',
    instanceId: 'i-primary',
    role: 'primary',
    region: 'eu-west-1',
    observations,
    ...over,
  });
  const obs = (az: string, spotPrice: number, observedAt: string, instanceType = 'm5.large') => ({ instanceType, az, spotPrice, observedAt });
  const clean = (poolId: string, at: string) => dataSource.getRepository(PricingSnapshotCleanEntity).findOneBy({ poolId, bucketStart: new Date(at) });
  const rawCount = () => dataSource.getRepository(PricingSubmissionRawEntity).count();

  it('rejects bad observations one by one, with a reason each, and keeps the good ones', async () => {
    const result = await valve.ingest.ingest(
      report([
        obs('eu-west-1a', 0.0401, '2026-11-24T11:56:00Z'),
        { az: 'eu-west-1a', spotPrice: 0.04, observedAt: '2026-11-24T11:56:00Z' },
        obs('eu-west-1a', 0, '2026-11-24T11:56:00Z'),
        obs('eu-west-1a', 1.5, '2026-11-24T11:56:00Z'), // m5.large on-demand is 0.107: 10x is 1.07
        obs('eu-west-1a', 0.04, 'yesterday-ish'),
        obs('eu-west-1a', 0.04, '2026-11-24T12:05:01Z'),
        obs('eu-west-1a', 0.04, '2026-11-17T11:59:00Z'),
        obs('eu-west-1a', 0.04, '2026-11-24T11:56:00Z', 'm5.humongous'),
        obs('us-east-1a', 0.04, '2026-11-24T11:56:00Z'),
        obs('eu-west-1b', 0.0402, '2026-11-24T12:04:59Z'), // within the 5-minute skew allowance
      ]),
    );
    expect(result).toMatchObject({ accepted: 2, stored: 2, duplicates: 0, bucketsWritten: 2 });
    expect(result.rejected.map((r) => [r.index, r.code, r.field])).toEqual([
      [1, 'MISSING_FIELD', 'instance_type'],
      [2, 'INVALID_PRICE', 'spot_price'],
      [3, 'PRICE_ABOVE_LIMIT', 'spot_price'],
      [4, 'INVALID_TIMESTAMP', 'observed_at'],
      [5, 'TIMESTAMP_IN_FUTURE', 'observed_at'],
      [6, 'TIMESTAMP_TOO_OLD', 'observed_at'],
      [7, 'UNKNOWN_INSTANCE_TYPE', 'instance_type'],
      [8, 'AZ_NOT_IN_REGION', 'az'],
    ]);
    expect(result.rejected[3].reason).toMatch(/ISO 8601/);
    expect(await rawCount()).toBe(2);
    expect(await valve.pools.byIds(['m5.large.eu-west-1a', 'm5.large.eu-west-1b'])).toHaveLength(2);
    expect(await clean('m5.large.eu-west-1a', '2026-11-24T11:55:00Z')).toMatchObject({ spotPrice: 0.0401, onDemandPrice: 0.107, dataSource: 'primary', confidenceScore: 1, sourceCount: 1 });
    expect(await clean('m5.large.eu-west-1b', '2026-11-24T12:00:00Z')).toMatchObject({ spotPrice: 0.0402 });
  });

  it('stores nothing new for a retried identical report, and changes no clean point', async () => {
    const body = report([obs('eu-west-1c', 0.038, '2026-11-24T11:41:00Z'), obs('eu-west-1c', 0.0385, '2026-11-24T11:46:00Z')]);
    const first = await valve.ingest.ingest(body);
    expect(first).toMatchObject({ accepted: 2, stored: 2, duplicates: 0, bucketsWritten: 2 });
    const before = await rawCount();
    const point = await clean('m5.large.eu-west-1c', '2026-11-24T11:45:00Z');
    clock.advanceSeconds(30);
    const retry = await valve.ingest.ingest(body);
    expect(retry).toMatchObject({ accepted: 2, stored: 0, duplicates: 2, bucketsWritten: 0, rejected: [] });
    expect(await rawCount()).toBe(before);
    expect(await clean('m5.large.eu-west-1c', '2026-11-24T11:45:00Z')).toEqual(point);
    // The same observation twice within one report is one observation.
    const doubled = await valve.ingest.ingest(report([obs('eu-west-1c', 0.039, '2026-11-24T11:51:00Z'), obs('eu-west-1c', 0.039, '2026-11-24T11:51:00Z')]));
    expect(doubled).toMatchObject({ accepted: 2, stored: 1, duplicates: 1 });
  });

  it('stores a report once when its retry arrives while the first attempt is still running', async () => {
    const body = report([obs('eu-west-1a', 0.0371, '2026-11-24T11:21:00Z', 'c5.large'), obs('eu-west-1b', 0.0372, '2026-11-24T11:21:00Z', 'c5.large')], { agentId: 'agent-retry' });
    const results = await Promise.all([valve.ingest.ingest(body), valve.ingest.ingest(body), valve.ingest.ingest(body)]);
    expect(results.map((r) => r.stored).sort()).toEqual([0, 0, 2]);
    expect(results.map((r) => r.duplicates).sort()).toEqual([0, 2, 2]);
    expect(await dataSource.getRepository(PricingSubmissionRawEntity).countBy({ agentId: 'agent-retry' })).toBe(2);
  });

  it('many agents reporting the same market price write the bucket once', async () => {
    const at = '2026-11-24T11:31:00Z';
    const first = await valve.ingest.ingest(report([obs('eu-west-1a', 0.041, at, 'c5.large')], { agentId: 'agent-a' }));
    const second = await valve.ingest.ingest(report([obs('eu-west-1a', 0.041, at, 'c5.large')], { agentId: 'agent-b' }));
    expect(first.bucketsWritten).toBe(1);
    expect(second).toMatchObject({ stored: 1, bucketsWritten: 0 });
    // A newer primary measurement in the same bucket replaces the value.
    const third = await valve.ingest.ingest(report([obs('eu-west-1a', 0.042, '2026-11-24T11:33:00Z', 'c5.large')], { agentId: 'agent-c' }));
    expect(third.bucketsWritten).toBe(1);
    expect((await clean('c5.large.eu-west-1a', '2026-11-24T11:30:00Z'))?.spotPrice).toBe(0.042);
  });

  it('merges primary and replica: under 0.5 % apart keeps the primary, otherwise averages and flags', async () => {
    await valve.ingest.ingest(report([obs('eu-west-1a', 0.0456, '2026-11-24T10:01:00Z', 'r5.large')]));
    await valve.ingest.ingest(report([obs('eu-west-1a', 0.0458, '2026-11-24T10:02:00Z', 'r5.large')], { role: 'replica', instanceId: 'i-replica' }));
    expect(await clean('r5.large.eu-west-1a', '2026-11-24T10:00:00Z')).toMatchObject({ spotPrice: 0.0456, dataSource: 'primary', confidenceScore: 1, flaggedForReview: false, sourceCount: 2 });

    // Replica first, then a primary that disagrees by ~4 %.
    await valve.ingest.ingest(report([obs('eu-west-1b', 0.05, '2026-11-24T10:06:00Z', 'r5.large')], { role: 'replica', instanceId: 'i-replica' }));
    expect(await clean('r5.large.eu-west-1b', '2026-11-24T10:05:00Z')).toMatchObject({ spotPrice: 0.05, dataSource: 'replica', confidenceScore: 0.95 });
    await valve.ingest.ingest(report([obs('eu-west-1b', 0.048, '2026-11-24T10:07:00Z', 'r5.large')]));
    expect(await clean('r5.large.eu-west-1b', '2026-11-24T10:05:00Z')).toMatchObject({ spotPrice: 0.049, dataSource: 'averaged', flaggedForReview: true, sourceCount: 2 });
    // The primary's next measurement agrees with the replica again: the flag goes.
    await valve.ingest.ingest(report([obs('eu-west-1b', 0.04999, '2026-11-24T10:08:00Z', 'r5.large')]));
    expect(await clean('r5.large.eu-west-1b', '2026-11-24T10:05:00Z')).toMatchObject({ spotPrice: 0.04999, dataSource: 'primary', flaggedForReview: false });

    // Both roles in one report.
    await valve.ingest.ingest(report([obs('eu-west-1c', 0.05, '2026-11-24T10:11:00Z', 'r5.large')]));
    const mixed = await valve.ingest.ingest(report([obs('eu-west-1c', 0.06, '2026-11-24T10:12:00Z', 'r5.large')], { role: 'replica', instanceId: 'i-replica' }));
    expect(mixed.bucketsWritten).toBe(1);
    expect(await clean('r5.large.eu-west-1c', '2026-11-24T10:10:00Z')).toMatchObject({ spotPrice: 0.055, dataSource: 'averaged', flaggedForReview: true });
  });

  it('judges a jump against the previous clean value even when it is hours old, and caps it for a pool only one client reports', async () => {
    await valve.ingest.ingest(report([obs('eu-west-1c', 0.04, '2026-11-24T08:01:00Z', 'c5.4xlarge')]));
    // Three hours later the same client reports twice the price: nobody else reports the pool.
    const jump = await valve.ingest.ingest(report([obs('eu-west-1c', 0.08, '2026-11-24T11:01:00Z', 'c5.4xlarge')]));
    expect(jump).toMatchObject({ stored: 1, held: 1, bucketsWritten: 1 });
    expect(await clean('c5.4xlarge.eu-west-1c', '2026-11-24T11:00:00Z')).toMatchObject({ spotPrice: 0.05, capped: true, flaggedForReview: true, confidenceScore: 0.5 });
    const raw = await dataSource.getRepository(PricingSubmissionRawEntity).findOneBy({ poolId: 'c5.4xlarge.eu-west-1c', spotPrice: 0.08 });
    expect(raw?.consensusStatus).toBe('held');
  });

  it('lets a late real measurement replace an interpolated point and marks the fill replaced', async () => {
    await valve.ingest.ingest(report([obs('eu-west-1a', 0.03, '2026-11-24T09:00:00Z', 'm5.xlarge'), obs('eu-west-1a', 0.033, '2026-11-24T09:15:00Z', 'm5.xlarge')]));
    const filled = await valve.gapFiller.fill({ poolIds: ['m5.xlarge.eu-west-1a'] });
    expect(filled.pointsFilled).toBe(2);
    expect(await clean('m5.xlarge.eu-west-1a', '2026-11-24T09:05:00Z')).toMatchObject({ dataSource: 'interpolated', confidenceScore: 0.85, interpolationMethod: 'linear', spotPrice: 0.031 });
    await valve.ingest.ingest(report([obs('eu-west-1a', 0.0305, '2026-11-24T09:06:00Z', 'm5.xlarge')], { agentId: 'late-agent' }));
    expect(await clean('m5.xlarge.eu-west-1a', '2026-11-24T09:05:00Z')).toMatchObject({ dataSource: 'primary', confidenceScore: 1, spotPrice: 0.0305, interpolationMethod: null });
    const log = await dataSource.getRepository(PricingSnapshotInterpolatedEntity).find({ where: { poolId: 'm5.xlarge.eu-west-1a' }, order: { bucketStart: 'ASC' } });
    expect(log.map((l) => [l.bucketStart.toISOString(), l.replacedAt?.toISOString() ?? null])).toEqual([
      ['2026-11-24T09:05:00.000Z', NOW],
      ['2026-11-24T09:10:00.000Z', null],
    ]);
  });

  it("a re-run of the write transaction judges again: another client's value committed meanwhile is kept, not overwritten", async () => {
    const at = '2026-11-24T11:57:00Z';
    const pool = 'm5.large.eu-west-1c';
    const other = buildValve(dataSource, clock);
    const retried = new FirstAttemptRolledBack(dataSource, () => other.ingest.ingest(report([obs('eu-west-1c', 0.041, at)], { clientId: 'client-b', agentId: 'agent-b', instanceId: 'i-b' })));
    const ingest = new PriceIngest(retried, valve.catalog, new PoolDirectory(dataSource, clock), new LatestPriceCache(new InMemoryCacheFactory(clock)), clock, new CryptoIdGenerator(clock));
    await ingest.ingest(report([obs('eu-west-1c', 0.04, at)], { clientId: 'client-a', agentId: 'agent-a', instanceId: 'i-a' }));
    const point = await clean(pool, '2026-11-24T11:55:00Z');
    expect(point).toMatchObject({ clientCount: 2 });
    expect(Object.keys(JSON.parse(point?.sources ?? '{}')).sort()).toEqual(['client-a', 'client-b']);
  });

  it('serves the latest price from a 60 s cache that this process keeps current', async () => {
    const pool = 'c5.xlarge.eu-west-1b';
    expect((await valve.prices.latest([pool])).size).toBe(0); // remembered as "no data"
    await valve.ingest.ingest(report([obs('eu-west-1b', 0.07, '2026-11-24T11:50:00Z', 'c5.xlarge')]));
    expect((await valve.prices.latest([pool])).get(pool)).toMatchObject({ spotPrice: 0.07, source: 'primary' });
    await valve.ingest.ingest(report([obs('eu-west-1b', 0.071, '2026-11-24T11:56:00Z', 'c5.xlarge')]));
    expect((await valve.prices.latest([pool])).get(pool)?.spotPrice).toBe(0.071);
    // Another process writes a newer point: this one sees it once its entry expires (60 s).
    await insertRow(dataSource.manager, PricingSnapshotCleanEntity, {
      poolId: pool,
      bucketStart: new Date('2026-11-24T12:00:00Z'),
      spotPrice: 0.072,
      onDemandPrice: null,
      dataSource: 'primary',
      confidenceScore: 1,
      interpolationMethod: null,
      flaggedForReview: false,
      sourceCount: 1,
      createdAt: clock.now(),
      updatedAt: clock.now(),
    });
    clock.advanceSeconds(59);
    expect((await valve.prices.latest([pool])).get(pool)?.spotPrice).toBe(0.071);
    clock.advanceSeconds(2);
    expect((await valve.prices.latest([pool])).get(pool)?.spotPrice).toBe(0.072);
    expect(await valve.cache.getMany([pool])).toEqual(new Map([[pool, expect.objectContaining({ spotPrice: 0.072 })]]));
  });

  it('keeps raw 7 days and the clean series 30 days, and the hourly aggregates for good', async () => {
    const start = new Date('2026-10-01T00:00:00Z');
    clock.set(start);
    // 45 days of one price per hour (two buckets an hour), imported as history.
    const changes = Array.from({ length: 45 * 24 }, (_, h) => ({ at: new Date(start.getTime() + h * 3_600_000), instanceType: 'm5.2xlarge', az: 'eu-west-1c', price: 0.1 + (h % 3) * 0.01 }));
    clock.set('2026-11-15T00:00:00Z');
    const imported = await valve.importer.import(changes);
    expect(imported.rejected).toBe(0);
    const pool = 'm5.2xlarge.eu-west-1c';
    const cleanBefore = await dataSource.getRepository(PricingSnapshotCleanEntity).countBy({ poolId: pool });
    expect(cleanBefore).toBe(imported.observations);

    const result = await valve.retention.purge();
    expect(result.rawCutoff.toISOString()).toBe('2026-11-08T00:00:00.000Z');
    expect(result.cleanCutoff.toISOString()).toBe('2026-10-16T00:00:00.000Z');
    // Raw rows were all received "now" (the import): none is older than 7 days by arrival.
    expect(result.rawDeleted).toBe(0);
    const oldestClean = await dataSource.getRepository(PricingSnapshotCleanEntity).findOne({ where: { poolId: pool }, order: { bucketStart: 'ASC' } });
    expect(oldestClean?.bucketStart.toISOString()).toBe('2026-10-16T00:00:00.000Z');
    expect(result.cleanDeleted).toBe(15 * 24 * 12);
    // The hours that left the clean series were aggregated first: avg/min/max/volatility per hour.
    const hour = await dataSource.getRepository(PoolRiskAnalysisEntity).findOneBy({ poolId: pool, hourStart: new Date('2026-10-01T01:00:00Z') });
    expect(hour).toMatchObject({ avgPrice: 0.11, minPrice: 0.11, maxPrice: 0.11, priceVolatility: 0, sampleCount: 12, interpolatedCount: 0, advisorBucket: expect.any(Number) });
    expect(await dataSource.getRepository(PoolRiskAnalysisEntity).countBy({ poolId: pool })).toBe(15 * 24);

    clock.set('2026-11-23T00:00:01Z'); // 8 days later: the import's raw rows are past 7 days
    const later = await valve.retention.purge();
    expect(later.rawDeleted).toBe(imported.stored);
    expect(await dataSource.getRepository(PricingSubmissionRawEntity).countBy({ poolId: pool })).toBe(0);
    const event = await dataSource.getRepository(SystemEventEntity).findOne({ where: { eventType: 'pricing.retention' }, order: { createdAt: 'DESC' } });
    expect(event?.metadata).toMatchObject({ rawDeleted: imported.stored });
  });

  it('aggregates hours with their volatility and interpolated share, and reports data quality per day', async () => {
    clock.set('2026-11-24T12:00:00Z');
    await valve.ingest.ingest(
      report([
        obs('eu-west-1a', 0.1, '2026-11-24T10:00:00Z', 'c5.2xlarge'),
        obs('eu-west-1a', 0.12, '2026-11-24T10:10:00Z', 'c5.2xlarge'),
      ]),
    );
    await valve.gapFiller.fill({ poolIds: ['c5.2xlarge.eu-west-1a'] });
    await valve.aggregator.aggregate();
    const hour = await dataSource.getRepository(PoolRiskAnalysisEntity).findOneBy({ poolId: 'c5.2xlarge.eu-west-1a', hourStart: new Date('2026-11-24T10:00:00Z') });
    expect(hour).toMatchObject({ avgPrice: 0.11, minPrice: 0.1, maxPrice: 0.12, sampleCount: 3, interpolatedCount: 1 });
    expect(hour?.priceVolatility).toBeCloseTo(Math.sqrt(2 / 3) * 0.01 / 0.11, 5);
    const days = await valve.quality.daily(7, ['c5.2xlarge.eu-west-1a']);
    expect(days).toEqual([{ date: '2026-11-24', totalPoints: 3, interpolatedPoints: 1, pctInterpolated: 33.33 }]);
    expect(await valve.quality.daily(7, [])).toEqual([]);
  });
});
