import { Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { CommandTracker } from '@spot/command-tracker';
import { JobOutcome, JobRunner } from '../job-runner';

/** Every minute: commands nobody claimed in time, or claimed and never reported, expire. */
@Injectable()
export class CommandExpiryJob {
  static readonly NAME = 'expire-commands';

  constructor(
    private readonly runner: JobRunner,
    private readonly commands: CommandTracker,
  ) {}

  @Cron(CronExpression.EVERY_MINUTE, { name: CommandExpiryJob.NAME })
  run(): Promise<JobOutcome> {
    return this.runner.run(CommandExpiryJob.NAME, async () => {
      const expired = await this.commands.expireStale();
      return `expired ${expired} stale command${expired === 1 ? '' : 's'}`;
    });
  }
}
