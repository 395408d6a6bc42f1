import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ManualClock } from '@spot/core';
import { createDataSource, DatabaseLock, insertRow, RevokedTokenEntity } from '@spot/persistence';
import { describeEachDatabase, startTestScheduler } from '@spot/testing';
import { JobRunner } from '../src/job-runner';
import { RevokedTokenPurgeJob } from '../src/jobs/revoked-token-purge.job';

describeEachDatabase('scheduler jobs', (db) => {
  let app: INestApplicationContext;
  let clock: ManualClock;
  const logLines: string[] = [];

  beforeAll(async () => {
    clock = new ManualClock('2026-11-24T00:00:00.000Z');
    app = await startTestScheduler(db(), clock, logLines);
  });

  afterAll(async () => app?.close());

  it('purges deny-list entries only once their token has expired', async () => {
    const ds = app.get(DataSource);
    const at = (iso: string) => new Date(iso);
    await insertRow(ds.manager, RevokedTokenEntity, [
      { jti: 'old', userId: 'u1', expiresAt: at('2026-11-23T23:00:00Z'), revokedAt: at('2026-11-23T01:00:00Z') },
      { jti: 'live', userId: 'u1', expiresAt: at('2026-11-24T06:00:00Z'), revokedAt: at('2026-11-23T06:00:00Z') },
    ]);
    const outcome = await app.get(RevokedTokenPurgeJob).run();
    expect(outcome).toEqual({ status: 'completed', summary: 'purged 1 expired revocation' });
    const left = await ds.query('SELECT jti FROM revoked_tokens');
    expect(left.map((r: { jti: string }) => r.jti)).toEqual(['live']);
    expect(logLines.some((l) => / \[WORK-SCHED\] \[PURGE-REVOKED-TOKENS\] \[SUCCESS\] \[\d+ms\] purged 1 expired revocation$/.test(l))).toBe(true);
  });

  it('skips a job another scheduler process is running', async () => {
    const other: DataSource = await createDataSource(db().config);
    try {
      const held = await DatabaseLock.for(other).acquire(`job:${RevokedTokenPurgeJob.NAME}`, 0);
      expect(held).not.toBeNull();
      expect(await app.get(RevokedTokenPurgeJob).run()).toEqual({ status: 'skipped', reason: 'another scheduler is running it' });
      await held!.release();
      clock.advanceSeconds(3600); // the previous test ran this hour's period
      expect((await app.get(RevokedTokenPurgeJob).run()).status).toBe('completed');
    } finally {
      await other.destroy();
    }
  });

  it('records a failing job as a system event and keeps going', async () => {
    const outcome = await app.get(JobRunner).run('always-fails', async () => {
      throw new Error('upstream down');
    });
    expect(outcome).toEqual({ status: 'failed', error: 'upstream down' });
    const [event] = await app.get(DataSource).query("SELECT severity, message FROM system_events WHERE event_type = 'job.failed'");
    expect(event).toEqual({ severity: 'error', message: 'Job always-fails failed: upstream down' });
  });
});
