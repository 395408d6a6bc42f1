import { Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { TokenService } from '@spot/identity';
import { JobOutcome, JobRunner } from '../job-runner';

/** Hourly: drops deny-list entries of tokens that have expired anyway. */
@Injectable()
export class RevokedTokenPurgeJob {
  static readonly NAME = 'purge-revoked-tokens';

  constructor(
    private readonly runner: JobRunner,
    private readonly tokens: TokenService,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: RevokedTokenPurgeJob.NAME })
  run(): Promise<JobOutcome> {
    return this.runner.run(RevokedTokenPurgeJob.NAME, async () => {
      const purged = await this.tokens.purgeExpiredRevocations();
      return `purged ${purged} expired revocation${purged === 1 ? '' : 's'}`;
    });
  }
}
