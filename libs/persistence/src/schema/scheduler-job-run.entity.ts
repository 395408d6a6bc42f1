import { Entity } from 'typeorm';
import { IntColumn, TextColumn, TimestampColumn, VarcharColumn, VarcharPrimaryColumn } from './columns';

/**
 * The latest run of each scheduled job, one row per job, so the API can report job health
 * without a row per run (the replica coordinator alone runs every 10 s). Owner: persistence (JobRunLog).
 */
@Entity('scheduler_job_runs')
export class SchedulerJobRunEntity {
  @VarcharPrimaryColumn(100)
  jobName: string;

  @TimestampColumn()
  lastStartedAt: Date;

  @TimestampColumn()
  lastFinishedAt: Date;

  /** completed | skipped | failed */
  @VarcharColumn(20)
  lastStatus: string;

  @TextColumn({ nullable: true })
  lastMessage: string | null;

  @IntColumn()
  lastDurationMs: number;

  @IntColumn({ default: 0 })
  runCount: number;

  @IntColumn({ default: 0 })
  failureCount: number;

  @TimestampColumn({ nullable: true })
  lastFailureAt: Date | null;
}
