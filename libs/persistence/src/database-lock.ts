import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { DataSource, QueryRunner } from 'typeorm';
import { dialectOf } from './data-source.factory';

export interface HeldLock {
  release(): Promise<void>;
}

/**
 * A named lock shared by every process on the same database: migrations run under it once,
 * and scheduled jobs use it so only one scheduler runs a job at a time.
 * MySQL: GET_LOCK on a pinned connection (freed by the server if the process dies).
 * SQLite: an exclusive transaction on a side file (freed by the OS if the process dies).
 */
export abstract class DatabaseLock {
  /** Waits up to `waitMs` for the lock; null when it stays taken. */
  abstract acquire(name: string, waitMs: number): Promise<HeldLock | null>;

  async withLock<T>(name: string, waitMs: number, fn: () => Promise<T>): Promise<{ acquired: true; value: T } | { acquired: false }> {
    const held = await this.acquire(name, waitMs);
    if (!held) return { acquired: false };
    try {
      return { acquired: true, value: await fn() };
    } finally {
      await held.release();
    }
  }

  static for(dataSource: DataSource): DatabaseLock {
    if (dialectOf(dataSource) === 'mysql') return new MysqlDatabaseLock(dataSource);
    const path = String(dataSource.options.database);
    return path === ':memory:' ? new InProcessLock() : new SqliteFileLock(path);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class MysqlDatabaseLock extends DatabaseLock {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  /** GET_LOCK names are server-wide and at most 64 characters: scope them to this database. */
  private lockName(name: string): string {
    const database = String(this.dataSource.options.database);
    const full = `spot:${database}:${name}`;
    return full.length <= 64 ? full : `spot:${createHash('sha256').update(full).digest('hex').slice(0, 59)}`;
  }

  async acquire(name: string, waitMs: number): Promise<HeldLock | null> {
    const runner: QueryRunner = this.dataSource.createQueryRunner();
    await runner.connect();
    const lockName = this.lockName(name);
    try {
      const rows: Array<{ acquired: number | string | null }> = await runner.query('SELECT GET_LOCK(?, ?) AS acquired', [
        lockName,
        Math.ceil(waitMs / 1000),
      ]);
      if (Number(rows[0]?.acquired) !== 1) {
        await runner.release();
        return null;
      }
    } catch (error) {
      await runner.release();
      throw error;
    }
    return {
      release: async () => {
        try {
          await runner.query('SELECT RELEASE_LOCK(?)', [lockName]);
        } finally {
          await runner.release();
        }
      },
    };
  }
}

export class SqliteFileLock extends DatabaseLock {
  constructor(private readonly databasePath: string) {
    super();
  }

  async acquire(name: string, waitMs: number): Promise<HeldLock | null> {
    const dir = join(dirname(this.databasePath), `${this.databasePath.split('/').pop()}.locks`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.lock`);
    const deadline = Date.now() + waitMs;
    // better-sqlite3 blocks the event loop while it waits, so poll with a zero timeout instead.
    for (;;) {
      const db = new BetterSqlite3(file, { timeout: 0 });
      try {
        db.exec('BEGIN EXCLUSIVE');
        return {
          release: async () => {
            try {
              db.exec('ROLLBACK');
            } finally {
              db.close();
            }
          },
        };
      } catch (error) {
        db.close();
        if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      }
      if (Date.now() >= deadline) return null;
      await sleep(Math.min(100, Math.max(deadline - Date.now(), 1)));
    }
  }
}

/** For in-memory SQLite, which only one process can see. */
export class InProcessLock extends DatabaseLock {
  private readonly held = new Set<string>();

  async acquire(name: string, waitMs: number): Promise<HeldLock | null> {
    const deadline = Date.now() + waitMs;
    while (this.held.has(name)) {
      if (Date.now() >= deadline) return null;
      await sleep(10);
    }
    this.held.add(name);
    return { release: async () => void this.held.delete(name) };
  }
}
