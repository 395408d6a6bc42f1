import { DataSource } from 'typeorm';
import { StructuredLogger } from '@spot/core';
import { DatabaseLock } from './database-lock';

export const MIGRATION_LOCK = 'schema-migrations';

export class PendingMigrationsError extends Error {
  constructor() {
    super('The database has pending migrations and DB_MIGRATE_ON_START=false: run `npm run migrate` first');
    this.name = 'PendingMigrationsError';
  }
}

/**
 * Brings the schema up to date before a process serves. Every process may call it at once:
 * the lock lets one migrate while the others wait, then find nothing left to do.
 */
export async function migrateDatabase(
  dataSource: DataSource,
  options: { logger?: StructuredLogger; waitMs?: number; lock?: DatabaseLock } = {},
): Promise<string[]> {
  const lock = options.lock ?? DatabaseLock.for(dataSource);
  const started = performance.now();
  const outcome = await lock.withLock(MIGRATION_LOCK, options.waitMs ?? 300_000, async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  });
  if (!outcome.acquired) throw new Error('Timed out waiting for another process to finish migrating the database');
  options.logger?.event({
    level: 'info',
    component: 'CORE-DB',
    action: 'MIGRATE',
    result: 'SUCCESS',
    durationMs: performance.now() - started,
    message: outcome.value.length ? `applied ${outcome.value.join(', ')}` : 'schema up to date',
  });
  return outcome.value;
}

export async function assertNoPendingMigrations(dataSource: DataSource): Promise<void> {
  if (await dataSource.showMigrations()) throw new PendingMigrationsError();
}
