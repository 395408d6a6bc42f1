import { DataSource, LessThan } from 'typeorm';
import { insertRow } from './insert-row';
import { SchedulerJobPeriodEntity } from './schema';
import { isUniqueViolation } from './transaction-runner';

/**
 * Which periods of each scheduled job have been claimed, shared by every scheduler process on the
 * database. The job lock alone lets a quick job run twice in one period (it is free again before
 * the other scheduler tries it); the claim makes "once per period" hold (issue 22, finding 8).
 */
export class JobPeriodLedger {
  constructor(private readonly dataSource: DataSource) {}

  /** True when this caller is the first to claim (job, periodStart); false when a scheduler already did. */
  async claim(jobName: string, periodStart: Date, claimedAt: Date): Promise<boolean> {
    try {
      await insertRow(this.dataSource.manager, SchedulerJobPeriodEntity, { jobName, periodStart, claimedAt });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** Forgets this job's claims of periods that started before `before` (they can no longer recur). */
  async forgetBefore(jobName: string, before: Date): Promise<void> {
    await this.dataSource.getRepository(SchedulerJobPeriodEntity).delete({ jobName, periodStart: LessThan(before) });
  }

  /** Claimed period starts of a job, oldest first (for the admin view and tests). */
  async claimed(jobName: string): Promise<Date[]> {
    const rows = await this.dataSource.getRepository(SchedulerJobPeriodEntity).find({ where: { jobName }, order: { periodStart: 'ASC' } });
    return rows.map((row) => row.periodStart);
  }
}
