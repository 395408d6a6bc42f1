import { Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { DecisionLoop } from '@spot/decisions';
import { JobOutcome, JobRunner } from '../job-runner';

/** Every 5 minutes (seed 001): evaluates every online agent; auto-switch agents get automatic commands. */
@Injectable()
export class DecisionLoopJob {
  static readonly NAME = 'decision-loop';

  constructor(
    private readonly runner: JobRunner,
    private readonly loop: DecisionLoop,
  ) {}

  @Cron(CronExpression.EVERY_5_MINUTES, { name: DecisionLoopJob.NAME })
  run(): Promise<JobOutcome> {
    return this.runner.run(DecisionLoopJob.NAME, async () => {
      const s = await this.loop.runOnce();
      const o = s.outcomes;
      return `evaluated ${s.agents} agents: ${o['command-issued']} commands, ${o['recommendation-only']} recommendations only, ${o['no-change']} unchanged, ${o['command-refused']} refused, ${s.skipped} skipped, ${s.failed} failed`;
    });
  }
}
