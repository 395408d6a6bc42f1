import { DataSource } from 'typeorm';
import { insertRow } from './insert-row';
import { SchedulerJobRunEntity } from './schema';

export interface JobRunRecord {
  jobName: string;
  startedAt: Date;
  finishedAt: Date;
  status: 'completed' | 'skipped' | 'failed';
  message: string | null;
  durationMs: number;
}

/** The latest run of each scheduled job (one row per job), written by the scheduler, read by the API. */
export class JobRunLog {
  constructor(private readonly dataSource: DataSource) {}

  async record(run: JobRunRecord): Promise<void> {
    const repo = this.dataSource.getRepository(SchedulerJobRunEntity);
    const failed = run.status === 'failed';
    const fields = {
      lastStartedAt: run.startedAt,
      lastFinishedAt: run.finishedAt,
      lastStatus: run.status,
      lastMessage: run.message,
      lastDurationMs: Math.round(run.durationMs),
      ...(failed ? { lastFailureAt: run.finishedAt } : {}),
    };
    const updated = await repo
      .createQueryBuilder()
      .update()
      .set({ ...fields, runCount: () => 'run_count + 1', ...(failed ? { failureCount: () => 'failure_count + 1' } : {}) })
      .where('job_name = :name', { name: run.jobName })
      .execute();
    if (updated.affected) return;
    await insertRow(this.dataSource.manager, SchedulerJobRunEntity, {
      jobName: run.jobName,
      ...fields,
      lastFailureAt: failed ? run.finishedAt : null,
      runCount: 1,
      failureCount: failed ? 1 : 0,
    });
  }

  all(): Promise<SchedulerJobRunEntity[]> {
    return this.dataSource.getRepository(SchedulerJobRunEntity).find({ order: { jobName: 'ASC' } });
  }
}
