/** What the product asks a price list for: the on-demand prices of one region (seed 003 CORE-PRICE). */
export interface OnDemandPriceQuery {
  region: string;
  /** Only these types (one TERM_MATCH filter each call); omitted = every type of the region. */
  instanceTypes?: string[];
  operatingSystem: 'Linux';
}

export interface OnDemandPriceEntry {
  region: string;
  instanceType: string;
  operatingSystem: string;
  pricePerHour: number;
}

/** A price list entry that could not be used, with why (it is skipped, counted and reported). */
export interface SkippedPriceEntry {
  reason: string;
  sku?: string;
}

export interface OnDemandPriceAnswer {
  prices: OnDemandPriceEntry[];
  skipped: SkippedPriceEntry[];
  /** Requests it took (pages of NextToken pagination). */
  pages: number;
}

/**
 * Where on-demand prices come from. The AWS adapter (AwsPriceList) asks the Price List Query
 * API; tests put a stub in its place. Errors are DomainErrors: forbidden PRICE_LIST_ACCESS_DENIED
 * (no or refused credentials), rate_limited PRICE_LIST_RATE_LIMITED, unavailable PRICE_LIST_UNAVAILABLE.
 * An answer is complete or an error: a failure on page n never yields the first n−1 pages.
 */
export abstract class PriceListPort {
  abstract onDemandPrices(query: OnDemandPriceQuery): Promise<OnDemandPriceAnswer>;
}
