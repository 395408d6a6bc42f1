import { Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { RefreshOnDemandPrices, RefreshSpotAdvisor } from '@spot/price-list';
import { JobOutcome, JobRunner } from '../job-runner';

/**
 * Daily (issue 23): on-demand prices of every region from the AWS Price List API; the shipped
 * file without credentials. The hourly tick runs it when due (RefreshOnDemandPrices.isDue), so a
 * fresh deployment gets prices within the hour and a refused run is retried after 6 hours.
 */
@Injectable()
export class OnDemandPriceRefreshJob {
  static readonly NAME = 'refresh-ondemand-prices';

  constructor(
    private readonly runner: JobRunner,
    private readonly refresh: RefreshOnDemandPrices,
  ) {}

  @Cron('15 * * * *', { name: OnDemandPriceRefreshJob.NAME })
  async tick(): Promise<JobOutcome | null> {
    return (await this.refresh.isDue()) ? this.run() : null;
  }

  run(): Promise<JobOutcome> {
    return this.runner.run(OnDemandPriceRefreshJob.NAME, async () => {
      const r = await this.refresh.run();
      if (r.fallbackReason !== null && r.regionsRefreshed.length === 0) return `shipped file in use: ${r.fallbackReason}`;
      return `${r.prices} prices in ${r.regionsRefreshed.length} regions from the Price List API; ${r.regionsFailed.length} regions failed, ${r.skippedEntries} entries skipped`;
    });
  }
}

/** Every 6 hours (seed 003 SVC-SCRAPE-01): the Spot Advisor document from SPOT_ADVISOR_URL; a bad one is skipped and reported. */
@Injectable()
export class SpotAdvisorRefreshJob {
  static readonly NAME = 'refresh-spot-advisor';

  constructor(
    private readonly runner: JobRunner,
    private readonly refresh: RefreshSpotAdvisor,
  ) {}

  @Cron('40 */6 * * *', { name: SpotAdvisorRefreshJob.NAME })
  run(): Promise<JobOutcome> {
    return this.runner.run(SpotAdvisorRefreshJob.NAME, async () => {
      const r = await this.refresh.run();
      return r.status === 'refreshed' ? `Spot Advisor data refreshed: ${r.regions} regions, ${r.types} types` : `skipped: ${r.reason}`;
    });
  }
}
