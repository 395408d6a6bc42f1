import { Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CatalogModule, InstanceCatalog } from '@spot/catalog';
import { Clock, SPOT_CONFIG, SpotConfig, StructuredLogger } from '@spot/core';
import { IdentityModule, AgentRegistry } from '@spot/identity';
import { SystemEventLog, TransactionRunner } from '@spot/persistence';
import { AwsPriceList, createPricingClient } from './aws-price-list';
import { OnDemandPriceBook } from './ondemand-price-book';
import { OnDemandPriceRepository } from './ondemand-price-repository';
import { PriceListPort } from './price-list.port';
import { PricingStatus } from './pricing-status';
import { RefreshOnDemandPrices } from './refresh-ondemand-prices';
import { FetchLike, RefreshSpotAdvisor, SpotAdvisorCopy } from './refresh-spot-advisor';

/** The fetch the Spot Advisor refresh uses (tests point it at a local server). */
export const SPOT_ADVISOR_FETCH = Symbol('SPOT_ADVISOR_FETCH');

/** How often a process looks for a refresh another process made (a MAX() query and a stat). */
const RELOAD_EVERY_MS = 10 * 60_000;

/**
 * Loads the table's on-demand prices and the last good Spot Advisor copy into this process's
 * catalog before it serves, and picks up later refreshes of the scheduler.
 */
class PriceDataLoader implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly book: OnDemandPriceBook,
    private readonly copy: SpotAdvisorCopy,
    private readonly logger: StructuredLogger,
  ) {}

  async onModuleInit(): Promise<void> {
    this.copy.loadIfChanged();
    await this.book.reload();
    this.timer = setInterval(() => void this.refresh(), RELOAD_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async refresh(): Promise<void> {
    try {
      this.copy.loadIfChanged();
      await this.book.reloadIfChanged();
    } catch (error) {
      this.logger.event({ level: 'warn', component: 'CORE-DB', action: 'PRICE_RELOAD', result: 'FAILURE', message: error instanceof Error ? error.message : String(error) });
    }
  }
}

const PROVIDED = [PriceListPort, OnDemandPriceRepository, OnDemandPriceBook, RefreshOnDemandPrices, RefreshSpotAdvisor, SpotAdvisorCopy, PricingStatus];

/**
 * Public AWS price data (issue 23): on-demand prices of every region from the Price List API
 * into `ondemand_prices` (owner), served through the InstanceCatalog with the shipped file as
 * fallback, and the Spot Advisor refresh. The scheduler runs the refreshes; every process loads
 * their results.
 */
@Module({
  imports: [CatalogModule, IdentityModule],
  providers: [
    {
      provide: PriceListPort,
      inject: [SPOT_CONFIG, StructuredLogger],
      useFactory: (config: SpotConfig, logger: StructuredLogger) =>
        new AwsPriceList(createPricingClient({ region: config.pricing.priceListApiRegion, endpoint: config.pricing.priceListEndpoint }), { logger }),
    },
    { provide: SPOT_ADVISOR_FETCH, useValue: ((url, init) => fetch(url, init)) satisfies FetchLike },
    { provide: OnDemandPriceRepository, inject: [DataSource, TransactionRunner], useFactory: (ds: DataSource, tx: TransactionRunner) => new OnDemandPriceRepository(ds, tx) },
    { provide: OnDemandPriceBook, inject: [InstanceCatalog, OnDemandPriceRepository], useFactory: (c: InstanceCatalog, r: OnDemandPriceRepository) => new OnDemandPriceBook(c, r) },
    {
      provide: RefreshOnDemandPrices,
      inject: [PriceListPort, OnDemandPriceRepository, OnDemandPriceBook, InstanceCatalog, SystemEventLog, Clock, SPOT_CONFIG, StructuredLogger],
      useFactory: (port: PriceListPort, r: OnDemandPriceRepository, b: OnDemandPriceBook, c: InstanceCatalog, e: SystemEventLog, clock: Clock, config: SpotConfig, logger: StructuredLogger) =>
        new RefreshOnDemandPrices(port, r, b, c, e, clock, { regions: config.pricing.priceListRegions, logger }),
    },
    {
      provide: RefreshSpotAdvisor,
      inject: [InstanceCatalog, SystemEventLog, Clock, SPOT_CONFIG, SPOT_ADVISOR_FETCH, StructuredLogger],
      useFactory: (c: InstanceCatalog, e: SystemEventLog, clock: Clock, config: SpotConfig, f: FetchLike, logger: StructuredLogger) =>
        new RefreshSpotAdvisor(c, e, clock, { url: config.pricing.spotAdvisorUrl, cachePath: config.pricing.spotAdvisorCachePath, fetch: f, logger }),
    },
    {
      provide: SpotAdvisorCopy,
      inject: [InstanceCatalog, SPOT_CONFIG, StructuredLogger],
      useFactory: (c: InstanceCatalog, config: SpotConfig, logger: StructuredLogger) => new SpotAdvisorCopy(c, config.pricing.spotAdvisorCachePath, logger),
    },
    {
      provide: PricingStatus,
      inject: [InstanceCatalog, OnDemandPriceRepository, SystemEventLog, AgentRegistry, Clock],
      useFactory: (c: InstanceCatalog, r: OnDemandPriceRepository, e: SystemEventLog, a: AgentRegistry, clock: Clock) => new PricingStatus(c, r, e, a, clock),
    },
    { provide: PriceDataLoader, inject: [OnDemandPriceBook, SpotAdvisorCopy, StructuredLogger], useFactory: (b: OnDemandPriceBook, c: SpotAdvisorCopy, l: StructuredLogger) => new PriceDataLoader(b, c, l) },
  ],
  exports: [...PROVIDED, SPOT_ADVISOR_FETCH],
})
export class PriceListModule {}

