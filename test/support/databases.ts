import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { DatabaseConfig } from '@spot/core';
import { createDataSource, migrateDatabase, parseMysqlUrl } from '@spot/persistence';

/**
 * A throwaway database of one dialect. SQLite: a file in a temp dir. MySQL: a fresh database
 * named after MYSQL_URL's, so parallel Jest workers never share one.
 */
export interface TestDatabase {
  dialect: 'sqlite' | 'mysql';
  config: DatabaseConfig;
  /** DATABASE_URL for apps started against this database. */
  url: string;
  dispose(): Promise<void>;
}

let counter = 0;

export function databaseDialects(): Array<'sqlite' | 'mysql'> {
  return process.env.MYSQL_URL ? ['sqlite', 'mysql'] : ['sqlite'];
}

export async function createTestDatabase(dialect: 'sqlite' | 'mysql'): Promise<TestDatabase> {
  counter += 1;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'spot-test-'));
    const path = join(dir, 'spot.db');
    return {
      dialect,
      url: `sqlite:${path}`,
      config: { dialect: 'sqlite', path, migrateOnStart: true, logQueries: false },
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const base = new URL(process.env.MYSQL_URL as string);
  const prefix = (base.pathname.replace(/^\//, '') || 'spot_test').slice(0, 30);
  const name = `${prefix}_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
  base.pathname = `/${name}`;
  const url = base.toString();
  const target = parseMysqlUrl(url);
  return {
    dialect,
    url,
    config: { dialect: 'mysql', url, poolSize: 5, migrateOnStart: true, logQueries: false },
    dispose: async () => {
      const connection = await createConnection({ host: target.host, port: target.port, user: target.user, password: target.password });
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await connection.end();
      }
    },
  };
}

/** A migrated DataSource on a fresh database. */
export async function openMigratedDataSource(database: TestDatabase): Promise<DataSource> {
  const dataSource = await createDataSource(database.config);
  await migrateDatabase(dataSource);
  return dataSource;
}

/**
 * Runs a describe block once per available dialect, with a fresh database each:
 *   describeEachDatabase('agents', (db) => { it(...) })
 */
export function describeEachDatabase(name: string, body: (db: () => TestDatabase) => void, options: { dialects?: Array<'sqlite' | 'mysql'> } = {}): void {
  for (const dialect of databaseDialects().filter((d) => !options.dialects || options.dialects.includes(d))) {
    describe(`${name} [${dialect}]`, () => {
      let database: TestDatabase;
      beforeAll(async () => {
        database = await createTestDatabase(dialect);
      });
      afterAll(async () => {
        await database?.dispose();
      });
      body(() => database);
    });
  }
}
