import { Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { SavingsLedger } from '@spot/decisions';
import { JobOutcome, JobRunner } from '../job-runner';

/** Daily at 00:05 UTC (seed 001 snapshot jobs): yesterday's savings per client, and fresh totals. */
@Injectable()
export class SavingsSnapshotJob {
  static readonly NAME = 'savings-snapshots';

  constructor(
    private readonly runner: JobRunner,
    private readonly ledger: SavingsLedger,
  ) {}

  @Cron('5 0 * * *', { name: SavingsSnapshotJob.NAME, timeZone: 'UTC' })
  run(): Promise<JobOutcome> {
    return this.runner.run(SavingsSnapshotJob.NAME, async () => {
      const { clients, day } = await this.ledger.snapshotYesterdayForAll();
      return `savings of ${day} snapshotted for ${clients} client${clients === 1 ? '' : 's'}`;
    });
  }
}
