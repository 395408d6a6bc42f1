import { DataSource } from 'typeorm';
import { Clock } from '@spot/core';
import { FleetStatistics } from '@spot/identity';
import { CommandTracker } from '@spot/command-tracker';
import { DatabaseHealth, DatabaseHealthReport, JobRunLog, SchedulerJobRunEntity, SpotInterruptionEventEntity } from '@spot/persistence';

export interface SystemHealth {
  status: 'ok' | 'degraded';
  time: Date;
  database: DatabaseHealthReport;
  jobs: SchedulerJobRunEntity[];
  agents: { online: number; offline: number; total: number };
  pendingCommands: number;
  queuedEmergencies: number;
}

/**
 * The super-admin's system view: database, the last run and outcome of each scheduled job,
 * agents online/offline, commands waiting for agents, emergency actions held by the limiter.
 */
export class SystemHealthReporter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly database: DatabaseHealth,
    private readonly jobs: JobRunLog,
    private readonly fleet: FleetStatistics,
    private readonly commands: CommandTracker,
    private readonly clock: Clock,
  ) {}

  async report(): Promise<SystemHealth> {
    const database = await this.database.check();
    if (database.status !== 'ok') {
      return { status: 'degraded', time: this.clock.now(), database, jobs: [], agents: { online: 0, offline: 0, total: 0 }, pendingCommands: 0, queuedEmergencies: 0 };
    }
    const [jobs, agents, pendingCommands, queuedEmergencies] = await Promise.all([
      this.jobs.all(),
      this.fleet.agentsByStatus(),
      this.commands.countPending(),
      this.dataSource.getRepository(SpotInterruptionEventEntity).countBy({ responseAction: 'queued' }),
    ]);
    const failing = jobs.some((j) => j.lastStatus === 'failed');
    return { status: failing ? 'degraded' : 'ok', time: this.clock.now(), database, jobs, agents, pendingCommands, queuedEmergencies };
  }
}
