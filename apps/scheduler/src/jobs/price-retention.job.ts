import { Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { PriceRetention } from '@spot/data-valve';
import { JobOutcome, JobRunner } from '../job-runner';

/** Daily at 02:00 (seed 002 data cleaner): raw prices after 7 days, the clean series after 30. */
@Injectable()
export class PriceRetentionJob {
  static readonly NAME = 'purge-old-prices';

  constructor(
    private readonly runner: JobRunner,
    private readonly retention: PriceRetention,
  ) {}

  @Cron('0 2 * * *', { name: PriceRetentionJob.NAME })
  run(): Promise<JobOutcome> {
    return this.runner.run(PriceRetentionJob.NAME, async () => {
      const r = await this.retention.purge();
      return `removed ${r.rawDeleted} raw submissions, ${r.cleanDeleted} clean points, ${r.interpolationLogDeleted} interpolation log entries`;
    });
  }
}
