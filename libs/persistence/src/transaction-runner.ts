import { DataSource, EntityManager } from 'typeorm';
import { AsyncMutex } from './async-mutex';
import { dialectOf } from './data-source.factory';

const MYSQL_RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);
/** Another process held the SQLite write lock past the busy timeout, or invalidated our snapshot. */
const SQLITE_RETRYABLE = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_LOCKED']);
const SQLITE_RETRY_PAUSE_MS = 50;

const errorCode = (error: unknown): string | undefined =>
  (error as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (error as { code?: string }).code;

/** True when SQLite refused a statement because another connection holds the database. */
export function isSqliteBusy(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && SQLITE_RETRYABLE.has(code);
}

/**
 * Runs a unit of work in one transaction.
 * SQLite: TypeORM shares one connection, so two open transactions would nest; they are queued.
 * Transactions begin IMMEDIATE and wait out other processes' writers (configureSqliteConnection);
 * one still refused as busy is run again (the whole unit of work).
 * MySQL: a deadlock victim is retried (the whole unit of work runs again).
 */
export class TransactionRunner {
  private readonly sqliteQueue: AsyncMutex | null;

  constructor(private readonly dataSource: DataSource) {
    this.sqliteQueue = dialectOf(dataSource) === 'sqlite' ? new AsyncMutex() : null;
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.sqliteQueue) {
      const queue = this.sqliteQueue;
      return this.withBusyRetry(() => queue.run(() => this.dataSource.transaction(work)));
    }
    return this.withDeadlockRetry(() => this.dataSource.transaction(work));
  }

  private async withBusyRetry<T>(attempt: () => Promise<T>, attemptsLeft = 3): Promise<T> {
    try {
      return await attempt();
    } catch (error) {
      if (attemptsLeft <= 1 || !isSqliteBusy(error)) throw error;
      // Outside the queue, so the other transactions of this process go on meanwhile.
      await new Promise((resolve) => setTimeout(resolve, SQLITE_RETRY_PAUSE_MS));
      return this.withBusyRetry(attempt, attemptsLeft - 1);
    }
  }

  /**
   * Work that needs no transaction (reads, or one self-contained statement), without the two
   * round trips of BEGIN/COMMIT on MySQL (a pool connection in autocommit). On SQLite it waits
   * its turn in the queue: the one shared connection may be inside another transaction.
   */
  autocommit<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.sqliteQueue) return this.sqliteQueue.run(() => work(this.dataSource.manager));
    return work(this.dataSource.manager);
  }

  private async withDeadlockRetry<T>(attempt: () => Promise<T>, attemptsLeft = 3): Promise<T> {
    try {
      return await attempt();
    } catch (error) {
      const code = errorCode(error);
      if (attemptsLeft > 1 && code && MYSQL_RETRYABLE.has(code)) return this.withDeadlockRetry(attempt, attemptsLeft - 1);
      throw error;
    }
  }
}

/** True when a write failed on a unique index (both dialects). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { driverError?: { code?: string; errno?: number }; code?: string; message?: string };
  const code = e.driverError?.code ?? e.code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || /UNIQUE constraint failed/.test(e.message ?? '');
}

/**
 * Lock option for a read that precedes a write in the same transaction (SELECT … FOR UPDATE).
 * SQLite has no row locks; its transactions are already serialised by TransactionRunner.
 */
export function writeLock(manager: EntityManager): { mode: 'pessimistic_write' } | undefined {
  return manager.connection.options.type === 'better-sqlite3' ? undefined : { mode: 'pessimistic_write' };
}
