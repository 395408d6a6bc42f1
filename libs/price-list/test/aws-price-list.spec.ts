import { GetProductsCommand, PricingClient, ThrottlingException, AccessDeniedException } from '@aws-sdk/client-pricing';
import { mockClient } from 'aws-sdk-client-mock';
import { DomainError } from '@spot/core';
import { AwsPriceList, parsePriceListItem } from '@spot/price-list';
import { computeInstanceItem, DOCUMENTED_STORAGE_ITEM, US_EAST_1 } from './get-products-fixtures';

// The Price List API cannot run here (moto does not implement it), so the SDK client is mocked
// with aws-sdk-client-mock: the real adapter builds real GetProductsCommand inputs.
describe('AwsPriceList (GetProducts on AmazonEC2)', () => {
  const pricing = mockClient(PricingClient);
  const sleeps: number[] = [];
  const adapter = () => new AwsPriceList(new PricingClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } }), { retry: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 } });

  beforeEach(() => {
    pricing.reset();
    sleeps.length = 0;
  });
  afterAll(() => pricing.restore());

  it('asks with the region, Linux, shared tenancy, no pre-installed software and capacitystatus=Used, and follows NextToken', async () => {
    const [a, b, c, d, e] = US_EAST_1.map(computeInstanceItem);
    pricing
      .on(GetProductsCommand)
      .resolvesOnce({ FormatVersion: 'aws_v1', NextToken: 'WGDY7ko8fQXdlaUZVdasFQ==:page2', PriceList: [a, b] })
      .resolvesOnce({ FormatVersion: 'aws_v1', NextToken: 'WGDY7ko8fQXdlaUZVdasFQ==:page3', PriceList: [c, d] })
      .resolvesOnce({ FormatVersion: 'aws_v1', PriceList: [e] });

    const answer = await adapter().onDemandPrices({ region: 'us-east-1', operatingSystem: 'Linux' });

    const calls = pricing.commandCalls(GetProductsCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(3);
    expect(calls[0]).toEqual({
      ServiceCode: 'AmazonEC2',
      FormatVersion: 'aws_v1',
      MaxResults: 100,
      Filters: [
        { Type: 'TERM_MATCH', Field: 'regionCode', Value: 'us-east-1' },
        { Type: 'TERM_MATCH', Field: 'operatingSystem', Value: 'Linux' },
        { Type: 'TERM_MATCH', Field: 'tenancy', Value: 'Shared' },
        { Type: 'TERM_MATCH', Field: 'preInstalledSw', Value: 'NA' },
        { Type: 'TERM_MATCH', Field: 'capacitystatus', Value: 'Used' },
      ],
    });
    expect(calls[1].NextToken).toBe('WGDY7ko8fQXdlaUZVdasFQ==:page2');
    expect(calls[2].NextToken).toBe('WGDY7ko8fQXdlaUZVdasFQ==:page3');
    expect(answer.pages).toBe(3);
    expect(answer.skipped).toEqual([]);
    expect(answer.prices).toEqual([
      { region: 'us-east-1', instanceType: 'c5.large', operatingSystem: 'Linux', pricePerHour: 0.085 },
      { region: 'us-east-1', instanceType: 'm5.large', operatingSystem: 'Linux', pricePerHour: 0.096 },
      { region: 'us-east-1', instanceType: 'm5a.large', operatingSystem: 'Linux', pricePerHour: 0.086 },
      { region: 'us-east-1', instanceType: 'm6i.large', operatingSystem: 'Linux', pricePerHour: 0.096 },
      { region: 'us-east-1', instanceType: 'r5.large', operatingSystem: 'Linux', pricePerHour: 0.126 },
    ]);
  });

  it('adds an instanceType filter per type when asked for some types only', async () => {
    pricing.on(GetProductsCommand).resolves({ FormatVersion: 'aws_v1', PriceList: [] });
    await adapter().onDemandPrices({ region: 'ap-southeast-2', operatingSystem: 'Linux', instanceTypes: ['m5.large', 'm7i.large'] });
    const filters = pricing.commandCalls(GetProductsCommand).map((call) => call.args[0].input.Filters);
    expect(filters).toHaveLength(2);
    expect(filters[0]).toContainEqual({ Type: 'TERM_MATCH', Field: 'instanceType', Value: 'm5.large' });
    expect(filters[1]).toContainEqual({ Type: 'TERM_MATCH', Field: 'instanceType', Value: 'm7i.large' });
    expect(filters[1]).toContainEqual({ Type: 'TERM_MATCH', Field: 'regionCode', Value: 'ap-southeast-2' });
  });

  it('skips, counts and reports malformed entries and keeps the good ones', async () => {
    const good = computeInstanceItem(US_EAST_1[0]);
    const noTerms = JSON.stringify({ ...JSON.parse(good), terms: {} });
    const textPrice = good.replace('"USD":"0.0960000000"', '"USD":"ninety cents"');
    pricing.on(GetProductsCommand).resolves({ FormatVersion: 'aws_v1', PriceList: [good, '{"product": {"sku": "TRUNC', noTerms, textPrice, DOCUMENTED_STORAGE_ITEM] });
    const answer = await adapter().onDemandPrices({ region: 'us-east-1', operatingSystem: 'Linux' });
    expect(answer.prices).toEqual([{ region: 'us-east-1', instanceType: 'm5.large', operatingSystem: 'Linux', pricePerHour: 0.096 }]);
    expect(answer.skipped.map((s) => s.reason)).toEqual(['not JSON', 'm5.large: no OnDemand terms', 'm5.large: no hourly USD price in the OnDemand terms', 'no instance type']);
  });

  it('parses the documented item shape: terms.OnDemand.*.priceDimensions.*.pricePerUnit.USD', () => {
    expect(parsePriceListItem(computeInstanceItem({ ...US_EAST_1[4] }), 'us-east-1')).toEqual({ entry: { region: 'us-east-1', instanceType: 'c5.large', operatingSystem: 'Linux', pricePerHour: 0.085 }, rank: 0 });
    // An item of another region (a filter AWS ignored) is not taken for this one.
    expect(parsePriceListItem(computeInstanceItem({ ...US_EAST_1[0] }), 'eu-west-1')).toEqual({ reason: 'region us-east-1, not eu-west-1', sku: 'DQ578CGN99KG6ECF' });
    expect(parsePriceListItem(DOCUMENTED_STORAGE_ITEM, 'ap-southeast-1')).toEqual({ reason: 'no instance type', sku: '3MKHN58N7RDDVGKJ' });
  });

  it('prefers the plain RunInstances product when a type has several', async () => {
    const plain = computeInstanceItem(US_EAST_1[0]);
    const variant = computeInstanceItem({ ...US_EAST_1[0], sku: 'VARIANTSKU000001', usd: '0.0500000000', operation: 'RunInstances:0g00' });
    pricing.on(GetProductsCommand).resolves({ FormatVersion: 'aws_v1', PriceList: [variant, plain] });
    expect((await adapter().onDemandPrices({ region: 'us-east-1', operatingSystem: 'Linux' })).prices).toEqual([{ region: 'us-east-1', instanceType: 'm5.large', operatingSystem: 'Linux', pricePerHour: 0.096 }]);
  });

  it('retries throttling with backoff and then answers', async () => {
    const throttled = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
    pricing
      .on(GetProductsCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolvesOnce({ FormatVersion: 'aws_v1', PriceList: [computeInstanceItem(US_EAST_1[0])] });
    const answer = await adapter().onDemandPrices({ region: 'us-east-1', operatingSystem: 'Linux' });
    expect(answer.prices).toHaveLength(1);
    expect(pricing.commandCalls(GetProductsCommand)).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]); // full jitter at random 0.5 of 200·2ⁿ ms
  });

  it('gives up on endless throttling with PRICE_LIST_RATE_LIMITED, never with a partial answer', async () => {
    pricing
      .on(GetProductsCommand)
      .resolvesOnce({ FormatVersion: 'aws_v1', NextToken: 'next', PriceList: [computeInstanceItem(US_EAST_1[0])] })
      .rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));
    const error = await adapter().onDemandPrices({ region: 'us-east-1', operatingSystem: 'Linux' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'rate_limited', code: 'PRICE_LIST_RATE_LIMITED' });
  });

  it('turns access denied into a clear PRICE_LIST_ACCESS_DENIED that names the permission and the fallback', async () => {
    pricing.on(GetProductsCommand).rejects(new AccessDeniedException({ message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: pricing:GetProducts', $metadata: { httpStatusCode: 400 } }));
    const error = (await adapter().onDemandPrices({ region: 'us-east-1', operatingSystem: 'Linux' }).catch((e: unknown) => e)) as DomainError;
    expect(error).toMatchObject({ kind: 'forbidden', code: 'PRICE_LIST_ACCESS_DENIED', details: { aws_code: 'AccessDeniedException', region: 'us-east-1', attempts: 1 } });
    expect(error.message).toContain('pricing:GetProducts');
    expect(error.message).toContain('shipped on-demand file');
    expect(pricing.commandCalls(GetProductsCommand)).toHaveLength(1); // not retried
  });

  it('treats missing credentials like access denied', async () => {
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    pricing.on(GetProductsCommand).rejects(noCredentials);
    const error = (await adapter().onDemandPrices({ region: 'us-east-1', operatingSystem: 'Linux' }).catch((e: unknown) => e)) as DomainError;
    expect(error).toMatchObject({ kind: 'forbidden', code: 'PRICE_LIST_ACCESS_DENIED' });
    expect(error.message).toMatch(/^Price List API: no AWS credentials found .*pricing:GetProducts.*shipped on-demand file/);
  });
});
