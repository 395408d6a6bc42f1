import { Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { GapFiller } from '@spot/data-valve';
import { JobOutcome, JobRunner } from '../job-runner';

/** Every 15 minutes (seed 004 Scenario 5): fills the last 24 hours' price gaps by class. */
@Injectable()
export class PriceGapFillJob {
  static readonly NAME = 'fill-price-gaps';

  constructor(
    private readonly runner: JobRunner,
    private readonly gapFiller: GapFiller,
  ) {}

  @Cron('*/15 * * * *', { name: PriceGapFillJob.NAME })
  run(): Promise<JobOutcome> {
    return this.runner.run(PriceGapFillJob.NAME, async () => {
      const result = await this.gapFiller.fill();
      return `filled ${result.pointsFilled} points in ${result.filled.length} gaps over ${result.poolsScanned} pools; ${result.skipped.length} left empty`;
    });
  }
}
