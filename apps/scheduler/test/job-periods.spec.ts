import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ManualClock } from '@spot/core';
import { JobPeriodLedger } from '@spot/persistence';
import { describeEachDatabase, startTestScheduler } from '@spot/testing';
import { JOB_PERIODS_MS, periodStartOf } from '../src/job-periods';
import { JobOutcome } from '../src/job-runner';
import { CommandExpiryJob } from '../src/jobs/command-expiry.job';
import { EmergencyQueueJob } from '../src/jobs/sentinel.jobs';
import { SCHEDULED_JOBS } from '../src/scheduler.module';

describe('job periods', () => {
  it('gives every scheduled job a period', () => {
    for (const job of SCHEDULED_JOBS) expect(JOB_PERIODS_MS[(job as unknown as { NAME: string }).NAME]).toBeGreaterThan(0);
  });

  it('maps a firing anywhere inside a period to its start', () => {
    const start = Date.parse('2026-11-24T10:05:00.000Z');
    expect(periodStartOf(start, 60_000).toISOString()).toBe('2026-11-24T10:05:00.000Z');
    expect(periodStartOf(start + 59_999, 60_000).toISOString()).toBe('2026-11-24T10:05:00.000Z');
    expect(periodStartOf(Date.parse('2026-11-24T10:05:00.000Z'), 3_600_000).toISOString()).toBe('2026-11-24T10:00:00.000Z');
  });
});

/**
 * Issue 22, finding 8: two schedulers on one database, each firing every job on every period
 * (cron fires on both). Before the period claim, a quick job finished before the other scheduler
 * tried its lock and ran again; now each period runs exactly once, whichever scheduler gets it.
 */
describeEachDatabase('two schedulers on one database', (db) => {
  let first: INestApplicationContext;
  let second: INestApplicationContext;
  let clock: ManualClock;

  beforeAll(async () => {
    clock = new ManualClock('2026-11-24T00:00:00.000Z');
    first = await startTestScheduler(db(), clock);
    second = await startTestScheduler(db(), clock);
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  const completed = (outcomes: JobOutcome[]) => outcomes.filter((o) => o.status === 'completed').length;

  it('runs each period of a quick job once, one scheduler after the other', async () => {
    const runs: number[] = [];
    for (let period = 0; period < 70; period += 1) {
      // The second scheduler fires a little later in the same period, after the first has finished.
      const a = await first.get(CommandExpiryJob).run();
      clock.advance(250);
      const b = await second.get(CommandExpiryJob).run();
      runs.push(completed([a, b]));
      expect([a, b].filter((o) => o.status === 'skipped')).toEqual([{ status: 'skipped', reason: 'already ran this period' }]);
      clock.advance(60_000 - 250);
    }
    expect(runs).toEqual(Array(70).fill(1));
  });

  it('runs each period once when both schedulers fire at the same moment', async () => {
    const runs: number[] = [];
    for (let period = 0; period < 70; period += 1) {
      const outcomes = await Promise.all([first.get(EmergencyQueueJob).run(), second.get(EmergencyQueueJob).run()]);
      expect(outcomes.filter((o) => o.status === 'failed')).toEqual([]);
      runs.push(completed(outcomes));
      clock.advance(10_000);
    }
    expect(runs).toEqual(Array(70).fill(1));
    const claimed = await first.get(JobPeriodLedger).claimed(EmergencyQueueJob.NAME);
    expect(claimed.length).toBe(70);
    expect(new Set(claimed.map((d) => d.getTime())).size).toBe(70);
  });

  it('runs the next period again, and prunes claims that can no longer recur', async () => {
    clock.advance(3 * 86_400_000);
    expect((await second.get(EmergencyQueueJob).run()).status).toBe('completed');
    const claimed = await first.get(JobPeriodLedger).claimed(EmergencyQueueJob.NAME);
    expect(claimed.map((d) => d.toISOString())).toEqual([periodStartOf(clock.nowMs(), 10_000).toISOString()]);
    const [{ n }] = await first.get(DataSource).query("SELECT COUNT(*) AS n FROM scheduler_job_periods WHERE job_name = 'emergency-queue'");
    expect(Number(n)).toBe(1);
  });
});
