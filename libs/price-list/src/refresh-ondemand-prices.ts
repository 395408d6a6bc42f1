import { InstanceCatalog } from '@spot/catalog';
import { Clock, DomainError, StructuredLogger } from '@spot/core';
import { SystemEventLog } from '@spot/persistence';
import { OnDemandPriceBook } from './ondemand-price-book';
import { OnDemandPriceRepository } from './ondemand-price-repository';
import { PriceListPort } from './price-list.port';

export const ONDEMAND_REFRESH_EVENT = 'pricing.ondemand_refresh';

export interface OnDemandRefreshOutcome {
  /** Where the catalog's prices come from after this run. */
  source: 'aws-price-list' | 'shipped-file';
  regionsRefreshed: string[];
  regionsFailed: Array<{ region: string; error: string }>;
  prices: number;
  /** Price list entries that could not be used (malformed or not an instance price). */
  skippedEntries: number;
  skippedSamples: string[];
  /** Why the shipped file is in use (no or refused credentials). */
  fallbackReason: string | null;
}

/**
 * The daily on-demand price refresh (issue 23): every configured region (default: every Spot
 * Advisor region) from the Price List port into `ondemand_prices`, one region per transaction, so
 * a region that fails keeps its previous prices. Refused or missing credentials stop the run at
 * once (they are the same for every region) and leave the shipped file in charge. The outcome is
 * a `pricing.ondemand_refresh` system event, which /health and the admin report read.
 */
/** A good refresh holds for a day; a run that fell back to the file or failed everywhere is retried sooner. */
const REFRESH_AFTER_MS = { ok: 24 * 3_600_000, fallback: 6 * 3_600_000 };

export class RefreshOnDemandPrices {
  constructor(
    private readonly priceList: PriceListPort,
    private readonly repository: OnDemandPriceRepository,
    private readonly book: OnDemandPriceBook,
    private readonly catalog: InstanceCatalog,
    private readonly events: SystemEventLog,
    private readonly clock: Clock,
    private readonly options: { regions: string[]; logger?: StructuredLogger },
  ) {}

  /**
   * True when the last run (any process's, from the system event log) is old enough for another:
   * a day after a good run, six hours after a fallback or a run where every region failed, at
   * once when there was none (a fresh deployment does not wait for the next day).
   */
  async isDue(): Promise<boolean> {
    const [last] = await this.events.recent({ eventType: ONDEMAND_REFRESH_EVENT, limit: 1 });
    if (!last) return true;
    const refreshed = ((last.metadata ?? {}) as { regions_refreshed?: unknown[] }).regions_refreshed?.length ?? 0;
    const after = refreshed > 0 ? REFRESH_AFTER_MS.ok : REFRESH_AFTER_MS.fallback;
    return this.clock.nowMs() - last.createdAt.getTime() >= after;
  }

  async run(): Promise<OnDemandRefreshOutcome> {
    const regions = this.options.regions.length ? this.options.regions : this.catalog.advisorRegionList();
    const outcome: OnDemandRefreshOutcome = { source: 'aws-price-list', regionsRefreshed: [], regionsFailed: [], prices: 0, skippedEntries: 0, skippedSamples: [], fallbackReason: null };
    for (const region of regions) {
      try {
        const answer = await this.priceList.onDemandPrices({ region, operatingSystem: 'Linux' });
        outcome.skippedEntries += answer.skipped.length;
        for (const s of answer.skipped) if (outcome.skippedSamples.length < 5) outcome.skippedSamples.push(`${region}${s.sku ? ` ${s.sku}` : ''}: ${s.reason}`);
        if (answer.prices.length === 0) {
          outcome.regionsFailed.push({ region, error: 'the price list has no Linux on-demand price for this region' });
          continue;
        }
        await this.repository.replaceRegion(region, 'Linux', answer.prices, 'aws-price-list', this.clock.now());
        outcome.regionsRefreshed.push(region);
        outcome.prices += answer.prices.length;
      } catch (error) {
        if (error instanceof DomainError && error.code === 'PRICE_LIST_ACCESS_DENIED') {
          outcome.fallbackReason = error.message;
          break;
        }
        outcome.regionsFailed.push({ region, error: error instanceof Error ? error.message : String(error) });
      }
    }
    await this.book.reload();
    const coverage = await this.repository.coverage();
    if (coverage.length === 0) outcome.source = 'shipped-file';
    await this.record(outcome);
    return outcome;
  }

  private async record(outcome: OnDemandRefreshOutcome): Promise<void> {
    const problems = outcome.fallbackReason !== null || outcome.regionsFailed.length > 0 || outcome.skippedEntries > 0;
    const message =
      outcome.fallbackReason !== null && outcome.regionsRefreshed.length === 0
        ? `On-demand prices: ${outcome.fallbackReason}`
        : `On-demand prices refreshed for ${outcome.regionsRefreshed.length} regions (${outcome.prices} prices); ${outcome.regionsFailed.length} regions failed, ${outcome.skippedEntries} price list entries skipped`;
    this.options.logger?.event({ level: problems ? 'warn' : 'info', component: 'WORK-SCHED', action: 'ONDEMAND_PRICES', result: problems ? 'PARTIAL' : 'SUCCESS', message });
    await this.events.record({
      eventType: ONDEMAND_REFRESH_EVENT,
      component: 'WORK-SCHED',
      severity: problems ? 'warning' : 'info',
      message,
      metadata: {
        source: outcome.source,
        regions_refreshed: outcome.regionsRefreshed,
        regions_failed: outcome.regionsFailed.slice(0, 20),
        regions_failed_count: outcome.regionsFailed.length,
        prices: outcome.prices,
        skipped_entries: outcome.skippedEntries,
        skipped_samples: outcome.skippedSamples,
        fallback_reason: outcome.fallbackReason,
      },
    });
  }
}
