import { Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { ReplicaCoordinator } from '@spot/replicas';
import { EmergencyFallback, GrowthSnapshots, HealthMonitor } from '@spot/sentinel';
import { JobOutcome, JobRunner } from '../job-runner';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Every 5 minutes: agents silent for 10 minutes go offline, with a notification each (seed 001). */
@Injectable()
export class HealthMonitorJob {
  static readonly NAME = 'health-monitor';

  constructor(
    private readonly runner: JobRunner,
    private readonly health: HealthMonitor,
  ) {}

  @Cron(CronExpression.EVERY_5_MINUTES, { name: HealthMonitorJob.NAME })
  run(): Promise<JobOutcome> {
    return this.runner.run(HealthMonitorJob.NAME, async () => `${plural(await this.health.markSilentAgentsOffline(), 'agent')} marked offline`);
  }
}

/** Every 10 seconds: manual replica mode keeps exactly one standby per agent; replica costs accrue. */
@Injectable()
export class ReplicaCoordinatorJob {
  static readonly NAME = 'replica-coordinator';

  constructor(
    private readonly runner: JobRunner,
    private readonly coordinator: ReplicaCoordinator,
  ) {}

  @Cron(CronExpression.EVERY_10_SECONDS, { name: ReplicaCoordinatorJob.NAME })
  run(): Promise<JobOutcome> {
    return this.runner.run(ReplicaCoordinatorJob.NAME, async () => {
      const report = await this.coordinator.run();
      return `${plural(report.created, 'replica')} created, ${report.terminated} terminated, ${report.deferred} deferred, ${report.costEntries} cost entries`;
    });
  }
}

/**
 * Every 2 seconds: emergency launches held by the admission bucket go out as tokens come back,
 * terminations first. The period keeps the bucket from filling up between runs (2 s × 1.5/s = 3
 * tokens ≤ its 5), so a mass reclaim drains at the full admitted rate (docs/emergency-admission.md).
 */
@Injectable()
export class EmergencyQueueJob {
  static readonly NAME = 'emergency-queue';

  constructor(
    private readonly runner: JobRunner,
    private readonly fallback: EmergencyFallback,
  ) {}

  @Cron('*/2 * * * * *', { name: EmergencyQueueJob.NAME })
  run(): Promise<JobOutcome> {
    return this.runner.run(EmergencyQueueJob.NAME, async () => {
      const { processed, stillQueued } = await this.fallback.drainQueue();
      return `${processed} released, ${stillQueued} still queued`;
    });
  }
}

/** Daily at 00:05 UTC: clients_daily_snapshot for every finished day not yet recorded (backfill on first run). */
@Injectable()
export class GrowthSnapshotJob {
  static readonly NAME = 'client-growth-snapshot';

  constructor(
    private readonly runner: JobRunner,
    private readonly snapshots: GrowthSnapshots,
  ) {}

  @Cron('0 5 0 * * *', { name: GrowthSnapshotJob.NAME, timeZone: 'UTC' })
  run(): Promise<JobOutcome> {
    return this.runner.run(GrowthSnapshotJob.NAME, async () => {
      const days = await this.snapshots.takeMissing();
      return days.length ? `${plural(days.length, 'day')} recorded (${days[0]} … ${days[days.length - 1]})` : 'nothing to record';
    });
  }
}
