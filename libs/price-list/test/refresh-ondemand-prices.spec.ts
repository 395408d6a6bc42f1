import { GetProductsCommand, GetProductsCommandInput, PricingClient, InternalErrorException } from '@aws-sdk/client-pricing';
import { mockClient } from 'aws-sdk-client-mock';
import { DataSource } from 'typeorm';
import { InstanceCatalog } from '@spot/catalog';
import { CryptoIdGenerator, ManualClock } from '@spot/core';
import { OnDemandPriceEntity, SystemEventEntity, SystemEventLog, TransactionRunner } from '@spot/persistence';
import { AwsPriceList, ONDEMAND_REFRESH_EVENT, OnDemandPriceBook, OnDemandPriceRepository, RefreshOnDemandPrices } from '@spot/price-list';
import { describeEachDatabase, openMigratedDataSource } from '@spot/testing';
import { AP_SOUTHEAST_2, computeInstanceItem, US_EAST_1 } from './get-products-fixtures';

// The Price List API cannot run here (moto does not implement it): aws-sdk-client-mock feeds the real adapter.
const pricing = mockClient(PricingClient);
const regionOf = (input: GetProductsCommandInput) => input.Filters?.find((f) => f.Field === 'regionCode')?.Value;

describeEachDatabase('daily on-demand price refresh', (db) => {
  let dataSource: DataSource;
  const clock = new ManualClock('2026-11-24T03:15:00.000Z');
  let catalog: InstanceCatalog;

  beforeAll(async () => {
    dataSource = await openMigratedDataSource(db());
    catalog = InstanceCatalog.fromDirectory();
  });
  afterAll(async () => {
    pricing.reset();
    await dataSource?.destroy();
  });

  const refresh = () => {
    const repository = new OnDemandPriceRepository(dataSource, new TransactionRunner(dataSource));
    const adapter = new AwsPriceList(new PricingClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } }), { retry: { maxAttempts: 2, sleep: async () => undefined } });
    return new RefreshOnDemandPrices(adapter, repository, new OnDemandPriceBook(catalog, repository), catalog, new SystemEventLog(dataSource, clock, new CryptoIdGenerator(clock)), clock, { regions: ['us-east-1', 'ap-southeast-2'] });
  };
  const prices = (region: string) => dataSource.getRepository(OnDemandPriceEntity).find({ where: { region }, order: { instanceType: 'ASC' } });

  it('skips, counts and reports malformed price list entries, and stores the rest', async () => {
    pricing.reset();
    pricing.on(GetProductsCommand).callsFake((input: GetProductsCommandInput) => {
      if (regionOf(input) === 'us-east-1') return { FormatVersion: 'aws_v1', PriceList: [...US_EAST_1.map(computeInstanceItem), '{"product":', JSON.stringify({ product: { sku: 'NOPRICE', attributes: { instanceType: 'm7i.large' } }, terms: { OnDemand: {} } })] };
      return { FormatVersion: 'aws_v1', PriceList: AP_SOUTHEAST_2.map(computeInstanceItem) };
    });
    const outcome = await refresh().run();
    expect(outcome).toMatchObject({ source: 'aws-price-list', regionsRefreshed: ['us-east-1', 'ap-southeast-2'], regionsFailed: [], prices: 8, skippedEntries: 2, fallbackReason: null });
    expect(outcome.skippedSamples).toEqual(['us-east-1: not JSON', 'us-east-1 NOPRICE: m7i.large: no hourly USD price in the OnDemand terms']);
    expect((await prices('us-east-1')).map((p) => p.instanceType)).toEqual(['c5.large', 'm5.large', 'm5a.large', 'm6i.large', 'r5.large']);
    const [event] = await dataSource.getRepository(SystemEventEntity).find({ where: { eventType: ONDEMAND_REFRESH_EVENT } });
    expect(event).toMatchObject({ severity: 'warning', metadata: { skipped_entries: 2, prices: 8, regions_refreshed: ['us-east-1', 'ap-southeast-2'] } });
    expect(event.message).toBe('On-demand prices refreshed for 2 regions (8 prices); 0 regions failed, 2 price list entries skipped');
    expect(catalog.onDemandQuote('ap-southeast-2', 'm5a.large')).toEqual({ pricePerHour: 0.108, source: 'aws-price-list', fetchedAt: clock.now() });
  });

  it('never half-writes a region: a failure on its second page keeps the previous prices whole', async () => {
    clock.advanceSeconds(86_400);
    pricing.reset();
    pricing.on(GetProductsCommand).callsFake((input: GetProductsCommandInput) => {
      if (regionOf(input) === 'us-east-1') {
        if (input.NextToken) throw new InternalErrorException({ message: 'internal error', $metadata: { httpStatusCode: 500 } });
        return { FormatVersion: 'aws_v1', NextToken: 'page2', PriceList: [computeInstanceItem({ ...US_EAST_1[0], usd: '0.5000000000' })] };
      }
      return { FormatVersion: 'aws_v1', PriceList: AP_SOUTHEAST_2.map((p) => computeInstanceItem({ ...p, usd: '0.2000000000' })) };
    });
    const before = await prices('us-east-1');
    const outcome = await refresh().run();
    expect(outcome.regionsRefreshed).toEqual(['ap-southeast-2']);
    expect(outcome.regionsFailed).toEqual([{ region: 'us-east-1', error: expect.stringMatching(/^Price List API GetProducts for us-east-1 failed \(after 2 attempts\): InternalErrorException/) }]);
    expect(await prices('us-east-1')).toEqual(before); // the old set, not page 1 of the new one
    expect((await prices('ap-southeast-2')).map((p) => p.pricePerHour)).toEqual([0.2, 0.2, 0.2]);
    expect(catalog.onDemandPrice('us-east-1', 'm5.large')).toBe(0.096);
  });
});
