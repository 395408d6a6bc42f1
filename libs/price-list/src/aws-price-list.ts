import { Filter, GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, RetryPolicy } from '@spot/cloud';
import { DomainError, StructuredLogger } from '@spot/core';
import { OnDemandPriceAnswer, OnDemandPriceEntry, OnDemandPriceQuery, PriceListPort, SkippedPriceEntry } from './price-list.port';

/** The regions whose Price List Query API endpoint answers (the API is global, served from these). */
export const PRICE_LIST_API_REGIONS = ['us-east-1', 'eu-central-1', 'ap-south-1'] as const;

/**
 * A Price List client with the SDK's own credentials (default chain) and endpoint resolution
 * (`AWS_ENDPOINT_URL_PRICING`, else `AWS_ENDPOINT_URL`), as createEc2Client in @spot/cloud does;
 * `endpoint` overrides both. The SDK's retries are off: AwsPriceList's backoff is the only one.
 */
export function createPricingClient(options: { region?: string; endpoint?: string } = {}): PricingClient {
  return new PricingClient({ region: options.region ?? 'us-east-1', maxAttempts: 1, ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
}

const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException']);
const RETRYABLE = new Set([...THROTTLING, 'InternalErrorException', 'ServiceUnavailable', 'ServiceUnavailableException']);
/** No, expired or refused credentials: the same for every region, so the refresh falls back to the file at once. */
const DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'CredentialsProviderError',
]);
/** Past this many requests for one region something is wrong (EC2 Linux shared is ~8 pages of 100). */
const MAX_PAGES = 200;

const errorCode = (error: unknown): string => {
  const e = error as { name?: unknown; Code?: unknown; code?: unknown } | null;
  const code = e?.Code ?? e?.code ?? e?.name;
  return typeof code === 'string' ? code : 'Unknown';
};
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * On-demand prices from the AWS Price List Query API: GetProducts on AmazonEC2 with TERM_MATCH
 * filters for the region code, operating system, shared tenancy, no pre-installed software and
 * `capacitystatus=Used` (the price of a running instance, not of a reservation's unused
 * capacity), following NextToken. Each PriceList item is a JSON string; its
 * `terms.OnDemand.*.priceDimensions.*.pricePerUnit.USD` is the hourly price. An item that is not
 * shaped so is skipped and reported, never guessed at.
 */
export class AwsPriceList extends PriceListPort {
  private readonly retry: RetryPolicy;
  private readonly logger?: StructuredLogger;

  constructor(
    private readonly client: PricingClient,
    options: { retry?: Partial<RetryPolicy>; logger?: StructuredLogger } = {},
  ) {
    super();
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.logger = options.logger;
  }

  async onDemandPrices(query: OnDemandPriceQuery): Promise<OnDemandPriceAnswer> {
    const types = query.instanceTypes?.length ? query.instanceTypes : [undefined];
    const byType = new Map<string, OnDemandPriceEntry & { rank: number }>();
    const skipped: SkippedPriceEntry[] = [];
    let pages = 0;
    for (const instanceType of types) {
      let nextToken: string | undefined;
      do {
        if (pages >= MAX_PAGES) throw new DomainError('unavailable', 'PRICE_LIST_UNAVAILABLE', `Price List API: more than ${MAX_PAGES} pages for ${query.region}; stopped`);
        const page = await this.call(query.region, () =>
          this.client.send(new GetProductsCommand({ ServiceCode: 'AmazonEC2', FormatVersion: 'aws_v1', Filters: filtersFor(query, instanceType), MaxResults: 100, ...(nextToken ? { NextToken: nextToken } : {}) })),
        );
        pages += 1;
        for (const item of priceListItems(page.PriceList)) {
          const parsed = parsePriceListItem(item, query.region);
          if ('reason' in parsed) {
            skipped.push(parsed);
            continue;
          }
          // Several products can remain for a type (e.g. a licence variant); the plain RunInstances one wins, then the cheapest.
          const previous = byType.get(parsed.entry.instanceType);
          if (!previous || parsed.rank < previous.rank || (parsed.rank === previous.rank && parsed.entry.pricePerHour < previous.pricePerHour)) {
            byType.set(parsed.entry.instanceType, { ...parsed.entry, rank: parsed.rank });
          }
        }
        nextToken = page.NextToken || undefined;
      } while (nextToken);
    }
    const prices = [...byType.values()].map(({ rank: _rank, ...entry }) => entry).sort((a, b) => a.instanceType.localeCompare(b.instanceType));
    return { prices, skipped, pages };
  }

  private async call<T>(region: string, send: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        const code = errorCode(error);
        if (RETRYABLE.has(code) && attempt + 1 < this.retry.maxAttempts) {
          const delayMs = backoffDelayMs(attempt, this.retry);
          this.logger?.event({ level: 'warn', component: 'WORK-SCHED', action: 'PRICE_LIST', result: 'RETRY', message: `GetProducts ${region}: ${code}, attempt ${attempt + 1}, retrying in ${delayMs} ms` });
          await this.retry.sleep(delayMs);
          continue;
        }
        throw toPriceListError(error, region, attempt + 1);
      }
    }
  }
}

function filtersFor(query: OnDemandPriceQuery, instanceType: string | undefined): Filter[] {
  const match = (Field: string, Value: string): Filter => ({ Type: 'TERM_MATCH', Field, Value });
  return [
    match('regionCode', query.region),
    ...(instanceType ? [match('instanceType', instanceType)] : []),
    match('operatingSystem', query.operatingSystem),
    match('tenancy', 'Shared'),
    match('preInstalledSw', 'NA'),
    match('capacitystatus', 'Used'),
  ];
}

/** The SDK types PriceList as JSON strings (or already-parsed documents): one item each. */
function priceListItems(list: unknown): unknown[] {
  if (list === undefined || list === null) return [];
  return Array.isArray(list) ? list : [list];
}

type Parsed = { entry: OnDemandPriceEntry; rank: number } | SkippedPriceEntry;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One GetProducts PriceList item → the hourly on-demand price of its instance type, or why it
 * cannot be used. Exported for the parser's tests.
 */
export function parsePriceListItem(item: unknown, region: string): Parsed {
  let doc: unknown = item;
  if (typeof item === 'string') {
    try {
      doc = JSON.parse(item);
    } catch {
      return { reason: 'not JSON' };
    }
  }
  if (!isRecord(doc) || !isRecord(doc.product)) return { reason: 'no product' };
  const sku = typeof doc.product.sku === 'string' ? doc.product.sku : undefined;
  const attributes = doc.product.attributes;
  if (!isRecord(attributes)) return { reason: 'no product attributes', sku };
  const instanceType = attributes.instanceType;
  if (typeof instanceType !== 'string' || !/^[a-z0-9-]+\.[a-z0-9-]+$/.test(instanceType)) return { reason: 'no instance type', sku };
  if (attributes.regionCode !== undefined && attributes.regionCode !== region) return { reason: `region ${String(attributes.regionCode)}, not ${region}`, sku };
  const terms = isRecord(doc.terms) ? doc.terms.OnDemand : undefined;
  if (!isRecord(terms)) return { reason: `${instanceType}: no OnDemand terms`, sku };
  const prices: number[] = [];
  for (const term of Object.values(terms)) {
    if (!isRecord(term) || !isRecord(term.priceDimensions)) continue;
    for (const dimension of Object.values(term.priceDimensions)) {
      if (!isRecord(dimension) || !isRecord(dimension.pricePerUnit)) continue;
      if (dimension.unit !== undefined && !/^hrs?$/i.test(String(dimension.unit))) continue;
      const usd = dimension.pricePerUnit.USD;
      const price = typeof usd === 'string' && /^\d+(\.\d+)?$/.test(usd.trim()) ? Number(usd) : typeof usd === 'number' ? usd : NaN;
      if (Number.isFinite(price)) prices.push(price);
    }
  }
  if (prices.length === 0) return { reason: `${instanceType}: no hourly USD price in the OnDemand terms`, sku };
  const positive = prices.filter((p) => p > 0);
  // A 0.00 dimension is how AWS prices capacity that is not billed (e.g. a reservation's); a product with only those has no on-demand price.
  if (positive.length === 0) return { reason: `${instanceType}: OnDemand price is 0`, sku };
  const pricePerHour = Math.round(Math.min(...positive) * 1e6) / 1e6;
  if (pricePerHour <= 0 || pricePerHour > 10_000) return { reason: `${instanceType}: price ${pricePerHour} out of range`, sku };
  const operation = typeof attributes.operation === 'string' ? attributes.operation : 'RunInstances';
  return {
    entry: { region, instanceType, operatingSystem: typeof attributes.operatingSystem === 'string' ? attributes.operatingSystem : 'Linux', pricePerHour },
    rank: operation === 'RunInstances' ? 0 : 1,
  };
}

export function toPriceListError(error: unknown, region: string, attempts: number): DomainError {
  if (error instanceof DomainError) return error;
  const code = errorCode(error);
  const details = { aws_code: code, region, attempts };
  if (code === 'CredentialsProviderError') {
    return new DomainError(
      'forbidden',
      'PRICE_LIST_ACCESS_DENIED',
      `Price List API: no AWS credentials found (SDK default chain: environment, shared config, instance or task role); give the control plane credentials allowed to call pricing:GetProducts. Using the shipped on-demand file instead.`,
      details,
    );
  }
  if (DENIED.has(code)) {
    return new DomainError(
      'forbidden',
      'PRICE_LIST_ACCESS_DENIED',
      `Price List API refused the request (${code}): the control plane needs AWS credentials allowed to call pricing:GetProducts (SDK default chain); using the shipped on-demand file instead. ${messageOf(error)}`,
      details,
    );
  }
  if (THROTTLING.has(code)) return new DomainError('rate_limited', 'PRICE_LIST_RATE_LIMITED', `Price List API kept throttling GetProducts for ${region} after ${attempts} attempts (${messageOf(error)})`, details);
  const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
  return new DomainError('unavailable', 'PRICE_LIST_UNAVAILABLE', `Price List API GetProducts for ${region} failed${tries}: ${code}: ${messageOf(error)}`, details);
}
