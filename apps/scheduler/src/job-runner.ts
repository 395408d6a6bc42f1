import { Injectable } from '@nestjs/common';
import { Clock, StructuredLogger } from '@spot/core';
import { DatabaseLock, JobRunLog, SystemEventLog } from '@spot/persistence';

export type JobOutcome = { status: 'completed'; summary: string } | { status: 'skipped'; reason: string } | { status: 'failed'; error: string };

/**
 * Runs a scheduled job at most once at a time across every scheduler process (a database lock
 * per job, not waited for), logs the run in the seed-003 format, and records failures as
 * system events; the latest run of each job goes to `scheduler_job_runs` for the admin's
 * system-health view (a skipped run is the other scheduler's to record). Jobs therefore stay idempotent and can later move to queue workers unchanged.
 */
@Injectable()
export class JobRunner {
  constructor(
    private readonly lock: DatabaseLock,
    private readonly logger: StructuredLogger,
    private readonly events: SystemEventLog,
    private readonly runs: JobRunLog,
    private readonly clock: Clock,
  ) {}

  async run(job: string, work: () => Promise<string>): Promise<JobOutcome> {
    const started = performance.now();
    const startedAt = this.clock.now();
    let outcome: JobOutcome;
    try {
      const result = await this.lock.withLock(`job:${job}`, 0, work);
      outcome = result.acquired ? { status: 'completed', summary: result.value } : { status: 'skipped', reason: 'another scheduler is running it' };
    } catch (error) {
      outcome = { status: 'failed', error: error instanceof Error ? error.message : String(error) };
      await this.events
        .record({ eventType: 'job.failed', component: 'WORK-SCHED', severity: 'error', message: `Job ${job} failed: ${outcome.error}`, metadata: { job } })
        .catch(() => undefined); // the database may be what failed
    }
    if (outcome.status !== 'skipped') {
      await this.runs
        .record({
          jobName: job,
          startedAt,
          finishedAt: this.clock.now(),
          status: outcome.status,
          message: outcome.status === 'completed' ? outcome.summary : outcome.error,
          durationMs: performance.now() - started,
        })
        .catch(() => undefined); // as above: never let bookkeeping fail the job
    }
    this.logger.event({
      level: outcome.status === 'failed' ? 'error' : 'info',
      component: 'WORK-SCHED',
      action: job.toUpperCase(),
      result: outcome.status === 'completed' ? 'SUCCESS' : outcome.status === 'skipped' ? 'SKIPPED' : 'FAILURE',
      durationMs: performance.now() - started,
      message: outcome.status === 'completed' ? outcome.summary : outcome.status === 'skipped' ? outcome.reason : outcome.error,
    });
    return outcome;
  }
}
