import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createDataSource, TransactionRunner } from '@spot/persistence';
import { holdSqliteWriteLock } from '@spot/testing';

/**
 * Issue 13: "database is locked" 89 ms into a pricing report while the scheduler wrote, despite a
 * 10 s busy timeout. A transaction that reads and then writes while another process holds the
 * write lock must wait for it, not fail. Two processes on one SQLite file: a child holds a write
 * transaction for 1.5 s, this process runs read-then-write transactions meanwhile.
 */
describe('SQLite across processes', () => {
  let dir: string;
  let path: string;
  let ds: DataSource;
  let tx: TransactionRunner;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spot-busy-'));
    path = join(dir, 'spot.db');
    ds = await createDataSource({ dialect: 'sqlite', path, migrateOnStart: false, logQueries: false });
    await ds.query('CREATE TABLE reports (id TEXT PRIMARY KEY, source TEXT NOT NULL)');
    tx = new TransactionRunner(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every connection in WAL mode with the busy timeout set', async () => {
    expect(await ds.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(await ds.query('PRAGMA busy_timeout')).toEqual([{ timeout: 10_000 }]);
  });

  it('a read-then-write transaction waits for the other process to commit, and both writes are kept', async () => {
    const held = await holdSqliteWriteLock(path, 1500, { sql: "INSERT INTO reports (id, source) VALUES ('scheduler-1', 'scheduler')" });
    const result = await tx.run(async (manager) => {
      const [{ n }] = await manager.query('SELECT COUNT(*) AS n FROM reports');
      await manager.query("INSERT INTO reports (id, source) VALUES ('api-1', 'api')");
      return Number(n);
    });
    await held.released;
    // It began after the other process committed: it saw that row.
    expect(result).toBe(1);
    expect(await ds.query('SELECT id FROM reports ORDER BY id')).toEqual([{ id: 'api-1' }, { id: 'scheduler-1' }]);
  }, 30_000);

  it('a write outside a transaction waits too', async () => {
    const held = await holdSqliteWriteLock(path, 800);
    await ds.query("INSERT INTO reports (id, source) VALUES ('api-2', 'api')");
    await held.released;
    expect(await ds.query("SELECT COUNT(*) AS n FROM reports WHERE id = 'api-2'")).toEqual([{ n: 1 }]);
  }, 30_000);
});
