import { Entity } from 'typeorm';
import { TimestampColumn, TimestampPrimaryColumn, VarcharPrimaryColumn } from './columns';

/**
 * One row per (job, period) a scheduler has claimed. The primary key makes the claim atomic across
 * scheduler processes: a quick job that finished before the other scheduler tried its lock is not
 * run again for the same period (issue 22, finding 8). Old rows are pruned by the runner.
 * Owner: persistence (JobPeriodLedger).
 */
@Entity('scheduler_job_periods')
export class SchedulerJobPeriodEntity {
  @VarcharPrimaryColumn(100)
  jobName: string;

  /** Start of the job's period (the cron boundary it fired for), UTC. */
  @TimestampPrimaryColumn()
  periodStart: Date;

  @TimestampColumn()
  claimedAt: Date;
}
