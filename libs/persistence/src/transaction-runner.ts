import { DataSource, EntityManager } from 'typeorm';
import { AsyncMutex } from './async-mutex';
import { dialectOf } from './data-source.factory';

const MYSQL_RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

/**
 * Runs a unit of work in one transaction.
 * SQLite: TypeORM shares one connection, so two open transactions would nest; they are queued.
 * MySQL: a deadlock victim is retried (the whole unit of work runs again).
 */
export class TransactionRunner {
  private readonly sqliteQueue: AsyncMutex | null;

  constructor(private readonly dataSource: DataSource) {
    this.sqliteQueue = dialectOf(dataSource) === 'sqlite' ? new AsyncMutex() : null;
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.sqliteQueue) return this.sqliteQueue.run(() => this.dataSource.transaction(work));
    return this.withDeadlockRetry(() => this.dataSource.transaction(work));
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
      const code = (error as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (error as { code?: string }).code;
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
