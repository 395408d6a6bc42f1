import { Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { PriceAggregator } from '@spot/data-valve';
import { JobOutcome, JobRunner } from '../job-runner';

/** Hourly, five minutes past: hourly price aggregates of the last hours into pool_risk_analysis. */
@Injectable()
export class PriceAggregationJob {
  static readonly NAME = 'aggregate-prices-hourly';

  constructor(
    private readonly runner: JobRunner,
    private readonly aggregator: PriceAggregator,
  ) {}

  @Cron('5 * * * *', { name: PriceAggregationJob.NAME })
  run(): Promise<JobOutcome> {
    return this.runner.run(PriceAggregationJob.NAME, async () => {
      const result = await this.aggregator.aggregate();
      return `wrote ${result.rowsWritten} pool-hours over the last ${result.hours} hours`;
    });
  }
}
