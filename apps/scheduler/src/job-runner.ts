import { Injectable } from '@nestjs/common';
import { Clock, StructuredLogger } from '@spot/core';
import { DatabaseLock, JobPeriodLedger, JobRunLog, SystemEventLog } from '@spot/persistence';
import { JOB_PERIODS_KEPT, JOB_PERIODS_MS, periodStartOf } from './job-periods';

const ALREADY_RAN = Symbol('already ran this period');

export type JobOutcome = { status: 'completed'; summary: string } | { status: 'skipped'; reason: string } | { status: 'failed'; error: string };

/**
 * Runs a scheduled job at most once at a time across every scheduler process (a database lock
 * per job, not waited for) and at most once per period (the period's start claimed in
 * `scheduler_job_periods`: a quick job is free again before the other scheduler tries the lock,
 * so the lock alone let it run twice), logs the run in the seed-003 format, and records failures as
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
    private readonly periods: JobPeriodLedger,
  ) {}

  async run(job: string, work: () => Promise<string>): Promise<JobOutcome> {
    const started = performance.now();
    const startedAt = this.clock.now();
    let outcome: JobOutcome;
    try {
      const result = await this.lock.withLock(`job:${job}`, 0, () => this.oncePerPeriod(job, startedAt, work));
      outcome = !result.acquired
        ? { status: 'skipped', reason: 'another scheduler is running it' }
        : result.value === ALREADY_RAN
          ? { status: 'skipped', reason: 'already ran this period' }
          : { status: 'completed', summary: result.value };
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

  /**
   * Runs `work` if this is the first claim of the job's current period (jobs without a period
   * always run). The claim comes first, so a failed run is retried next period, not by the other
   * scheduler in the same one (every job is idempotent and catches up on its next run).
   */
  private async oncePerPeriod(job: string, at: Date, work: () => Promise<string>): Promise<string | typeof ALREADY_RAN> {
    const periodMs = JOB_PERIODS_MS[job];
    if (periodMs === undefined) return work();
    const periodStart = periodStartOf(at.getTime(), periodMs);
    if (!(await this.periods.claim(job, periodStart, at))) return ALREADY_RAN;
    await this.periods.forgetBefore(job, new Date(periodStart.getTime() - Math.max(JOB_PERIODS_KEPT * periodMs, 86_400_000)));
    return work();
  }
}
