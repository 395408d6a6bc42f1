import { Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { LeftoverInstanceTermination, ReplicaTimeouts } from '@spot/replicas';
import { JobOutcome, JobRunner } from '../job-runner';

/** Every minute: replicas still launching or syncing past their limit are failed and their instances terminated (issue 13). */
@Injectable()
export class ReplicaTimeoutJob {
  static readonly NAME = 'replica-timeouts';

  constructor(
    private readonly runner: JobRunner,
    private readonly timeouts: ReplicaTimeouts,
  ) {}

  @Cron(CronExpression.EVERY_MINUTE, { name: ReplicaTimeoutJob.NAME })
  run(): Promise<JobOutcome> {
    return this.runner.run(ReplicaTimeoutJob.NAME, async () => {
      const report = await this.timeouts.run();
      return `${report.timedOut} replicas timed out, ${report.terminations} instances being terminated`;
    });
  }
}

/** Every minute: replaced instances still there after their terminate wait are terminated (issue 13). */
@Injectable()
export class LeftoverTerminationJob {
  static readonly NAME = 'leftover-termination';

  constructor(
    private readonly runner: JobRunner,
    private readonly leftovers: LeftoverInstanceTermination,
  ) {}

  @Cron(CronExpression.EVERY_MINUTE, { name: LeftoverTerminationJob.NAME })
  run(): Promise<JobOutcome> {
    return this.runner.run(LeftoverTerminationJob.NAME, async () => {
      const report = await this.leftovers.run();
      return `${report.issued} terminations queued, ${report.terminated} done, ${report.settled} settled, ${report.waiting} waiting`;
    });
  }
}
