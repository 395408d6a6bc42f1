import { DataSource } from 'typeorm';
import { CloudSpotPriceReference, FixedMarket, SimulatedCloud } from '@spot/cloud';
import { ManualClock } from '@spot/core';
import { HeldPriceConfirmation, PriceConfirmationSource, PriceReport } from '@spot/data-valve';
import { PricingHeldObservationEntity, PricingSnapshotCleanEntity, TransactionRunner } from '@spot/persistence';
import { describeEachDatabase, openMigratedDataSource } from '@spot/testing';
import { buildValve } from './valve-fixture';

const NOW = '2026-11-24T12:00:00.000Z';
const POOL = 'm5.large.eu-west-1a';

/**
 * The control plane's own DescribeSpotPriceHistory confirms a held price (DESIGN.md §9), read
 * through the CloudProvider port: here the simulated cloud, priced by a fixed market (no AWS
 * account in tests; the AWS adapter's own request/response handling is libs/cloud's).
 */
describeEachDatabase('HeldPriceConfirmation: the control plane confirms held prices with its own AWS read', (db) => {
  let dataSource: DataSource;
  let clock: ManualClock;
  let valve: ReturnType<typeof buildValve>;
  let market: FixedMarket;

  beforeAll(async () => {
    dataSource = await openMigratedDataSource(db());
  });
  beforeEach(async () => {
    clock = new ManualClock(NOW);
    valve = buildValve(dataSource, clock);
    for (const table of ['pricing_held_observations', 'pricing_snapshots_clean', 'pricing_submissions_raw']) await dataSource.query(`DELETE FROM ${table}`);
    market = new FixedMarket([
      { instanceType: 'm5.large', az: 'eu-west-1a', price: 0.04, timestamp: new Date('2026-11-24T10:00:00Z') },
      { instanceType: 'm5.large', az: 'eu-west-1a', price: 0.06, timestamp: new Date('2026-11-24T11:47:00Z') },
    ]);
  });
  afterAll(async () => {
    await dataSource?.destroy();
  });

  const report = (clientId: string, spotPrice: number, observedAt: string): PriceReport => ({
    clientId,
    agentId: `${clientId}-agent`,
    instanceId: 'i-0aaaaaaaaaaaaaaa1',
    role: 'primary',
    region: 'eu-west-1',
    observations: [{ instanceType: 'm5.large', az: 'eu-west-1a', spotPrice, observedAt }],
  });
  const clean = (at: string) => dataSource.getRepository(PricingSnapshotCleanEntity).findOneBy({ poolId: POOL, bucketStart: new Date(at) });
  const confirmationWith = (source: PriceConfirmationSource) => new HeldPriceConfirmation(dataSource, new TransactionRunner(dataSource), source, valve.cache, clock, 0.25);

  async function marketMovesAndAHostileClientReports(): Promise<void> {
    await valve.ingest.ingest(report('client-a', 0.04, '2026-11-24T11:41:00Z'));
    await valve.ingest.ingest(report('client-b', 0.04, '2026-11-24T11:42:00Z'));
    // The market moves +50 % at 11:47; client A sees it first, no second client yet: held.
    expect((await valve.ingest.ingest(report('client-a', 0.06, '2026-11-24T11:51:00Z'))).held).toBe(1);
    // A hostile client reports 30x in the same bucket: held too.
    expect((await valve.ingest.ingest(report('client-h', 1.07, '2026-11-24T11:52:00Z'))).held).toBe(1);
    expect(await clean('2026-11-24T11:50:00Z')).toBeNull();
  }

  it("merges a held price AWS agrees with and keeps the one it refutes held, through the simulated cloud's DescribeSpotPriceHistory", async () => {
    await marketMovesAndAHostileClientReports();
    const cloud = new SimulatedCloud({ clock, market, region: 'eu-west-1' });
    const result = await confirmationWith(new CloudSpotPriceReference(() => cloud)).confirmRecent();
    expect(result).toEqual({ checked: 2, confirmed: 1, bucketsWithAws: 1, unavailableRegions: [] });

    expect(await clean('2026-11-24T11:50:00Z')).toMatchObject({ spotPrice: 0.06, dataSource: 'consensus', clientCount: 2, capped: false, confidenceScore: 1 });
    const held = await dataSource.getRepository(PricingHeldObservationEntity).find({ where: { poolId: POOL }, order: { clientId: 'ASC' } });
    expect(held.map((h) => [h.clientId, h.confirmedBy])).toEqual([
      ['client-a', 'aws'],
      ['client-h', null],
    ]);
    expect((await valve.prices.latest([POOL])).get(POOL)?.spotPrice).toBe(0.06);
  });

  it('changes nothing when the control plane has no AWS access', async () => {
    await marketMovesAndAHostileClientReports();
    const failing = new CloudSpotPriceReference(() => {
      const cloud = new SimulatedCloud({ clock, market, region: 'eu-west-1' });
      cloud.spotPriceHistory = async () => {
        throw new Error('CredentialsProviderError: Could not load credentials from any providers');
      };
      return cloud;
    });
    const result = await confirmationWith(failing).confirmRecent();
    expect(result).toEqual({ checked: 2, confirmed: 0, bucketsWithAws: 0, unavailableRegions: ['eu-west-1'] });
    expect(await clean('2026-11-24T11:50:00Z')).toBeNull();
  });
});
