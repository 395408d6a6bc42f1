import { DataSource } from 'typeorm';
import { ManualClock } from '@spot/core';
import { createDataSource, DatabaseRateLimiter } from '@spot/persistence';
import { describeEachDatabase, expectSharedAllowance, expectSlidingWindow, openMigratedDataSource } from '@spot/testing';
import { storedKey } from '../src/database-rate-limiter';

/**
 * The shared RateLimiter adapter (issue 22, finding 9): exact sliding window like the in-memory
 * one, but one allowance for every process on the database, kept across restarts.
 */
describeEachDatabase('database rate limiter', (db) => {
  let first: DataSource;
  let second: DataSource;
  const clock = new ManualClock('2026-11-24T12:00:00.000Z');

  beforeAll(async () => {
    first = await openMigratedDataSource(db());
    second = await createDataSource(db().config); // a second process on the same database
  });

  afterAll(async () => {
    await first?.destroy();
    await second?.destroy();
  });

  it('allows `limit` hits per sliding window and says when to retry', async () => {
    const limiter = new DatabaseRateLimiter(first, clock);
    await expectSlidingWindow(limiter, clock);
  });

  it('shares one allowance between two processes hitting at once: 10 in total, not 20', async () => {
    const a = new DatabaseRateLimiter(first, clock);
    const b = new DatabaseRateLimiter(second, clock);
    await expectSharedAllowance(a, b);
    const [{ n }] = await first.query("SELECT COUNT(*) AS n FROM rate_limit_slots WHERE limit_key = 'signin:203.0.113.9'");
    expect(Number(n)).toBe(10);
  });

  it('keeps the count across a restart', async () => {
    await new DatabaseRateLimiter(first, clock).hit('restart-key', 2, 60_000);
    await new DatabaseRateLimiter(first, clock).hit('restart-key', 2, 60_000);
    const restarted = await createDataSource(db().config);
    try {
      expect((await new DatabaseRateLimiter(restarted, clock).hit('restart-key', 2, 60_000)).allowed).toBe(false);
    } finally {
      await restarted.destroy();
    }
  });

  it('stores long or case-sensitive keys apart, and sweeps expired slots', async () => {
    const limiter = new DatabaseRateLimiter(first, clock);
    const long = `signin-checks:${'a'.repeat(300)}@example.test`;
    expect(storedKey(long).length).toBeLessThanOrEqual(150);
    expect(storedKey('K')).not.toBe(storedKey('k'));
    expect((await limiter.hit(long, 1, 60_000)).allowed).toBe(true);
    expect((await limiter.hit(long, 1, 60_000)).allowed).toBe(false);
    expect((await limiter.hit('K', 1, 60_000)).allowed).toBe(true);
    clock.advanceSeconds(3600);
    await new DatabaseRateLimiter(first, clock).hit('fresh', 1, 60_000); // a new process sweeps on its first hit
    const rows: Array<{ limit_key: string }> = await first.query('SELECT limit_key FROM rate_limit_slots');
    expect(rows.map((r) => r.limit_key)).toEqual(['fresh']);
  });
});
