import { createConnection } from 'mysql2/promise';
import { DataSource, DataSourceOptions, LoggerOptions } from 'typeorm';
import { DatabaseConfig, StructuredLogger } from '@spot/core';
import { TypeOrmLogAdapter } from './typeorm-log-adapter';
import { MIGRATIONS } from '@spot/migrations';
import { SnakeNamingStrategy } from './naming-strategy';
import { ALL_ENTITIES } from './schema';

export type Dialect = 'sqlite' | 'mysql';

export interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  ssl: boolean;
}

export function parseMysqlUrl(url: string): MysqlTarget {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database) throw new Error('DATABASE_URL must name a database, e.g. mysql://user:pass@host:3306/spot');
  if (!/^[A-Za-z0-9_$-]{1,64}$/.test(database)) throw new Error(`Database name "${database}" has characters this product does not accept`);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username || 'root'),
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database,
    ssl: ['true', '1', 'required'].includes(parsed.searchParams.get('ssl') ?? ''),
  };
}

/**
 * Makes sure the MySQL database exists (dev, CI and docker-compose convenience) and tells
 * MariaDB from MySQL, which TypeORM needs to read the schema back correctly.
 */
export async function prepareMysqlServer(target: MysqlTarget): Promise<{ flavor: 'mysql' | 'mariadb'; version: string }> {
  const connection = await createConnection({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    ssl: target.ssl ? {} : undefined,
  });
  try {
    const [rows] = await connection.query('SELECT VERSION() AS version');
    const version = String((rows as Array<{ version: string }>)[0].version);
    try {
      await connection.query(`CREATE DATABASE IF NOT EXISTS \`${target.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    } catch {
      // No CREATE privilege: the database must already exist, and initialize() will say so if not.
    }
    return { flavor: /mariadb/i.test(version) ? 'mariadb' : 'mysql', version };
  } finally {
    await connection.end();
  }
}

/** How long a SQLite statement waits for another process's write lock before SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/** The part of a better-sqlite3 connection configured here. */
interface SqliteConnection {
  pragma(source: string): unknown;
  prepare(source: string): unknown;
}

/**
 * Every SQLite connection the product opens (issue 13, "database is locked" after 89 ms despite
 * a 10 s timeout): WAL and busy_timeout on the connection itself, and transactions that begin
 * IMMEDIATE. A deferred transaction that read first and then writes cannot wait for another
 * process's writer: SQLite answers SQLITE_BUSY at once without calling the busy handler (its
 * read snapshot would be stale). BEGIN IMMEDIATE takes the write lock up front, where the busy
 * timeout applies. TypeORM's better-sqlite3 driver always sends `BEGIN TRANSACTION`, so the
 * statement is rewritten as it is prepared. In-process transactions are queued by
 * TransactionRunner, so taking the write lock at BEGIN costs nothing here.
 */
export function configureSqliteConnection(db: SqliteConnection, onFile: boolean): void {
  db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  if (onFile) db.pragma('journal_mode = WAL');
  const prepare = db.prepare.bind(db);
  db.prepare = (source: string) => prepare(/^\s*BEGIN( DEFERRED)?( TRANSACTION)?\s*;?\s*$/i.test(source) ? 'BEGIN IMMEDIATE TRANSACTION' : source);
}

const common = {
  entities: ALL_ENTITIES,
  migrations: MIGRATIONS,
  migrationsTableName: 'migrations',
  namingStrategy: new SnakeNamingStrategy(),
  synchronize: false,
  migrationsRun: false,
} as const;

export async function buildDataSourceOptions(config: DatabaseConfig, logger?: StructuredLogger): Promise<DataSourceOptions> {
  const level: LoggerOptions = config.logQueries ? 'all' : ['error', 'warn', 'migration'];
  const logging = { logging: level, logger: logger ? new TypeOrmLogAdapter(logger) : undefined };
  if (config.dialect === 'sqlite') {
    return {
      ...common,
      ...logging,
      type: 'better-sqlite3',
      database: config.path,
      // WAL lets the API and the scheduler share one file; the timeout waits out the other's writes.
      enableWAL: config.path !== ':memory:',
      timeout: SQLITE_BUSY_TIMEOUT_MS,
      prepareDatabase: (db: SqliteConnection) => configureSqliteConnection(db, config.path !== ':memory:'),
    };
  }
  const target = parseMysqlUrl(config.url);
  const { flavor } = await prepareMysqlServer(target);
  return {
    ...common,
    ...logging,
    type: flavor,
    host: target.host,
    port: target.port,
    username: target.user,
    password: target.password,
    database: target.database,
    ssl: target.ssl ? {} : undefined,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    poolSize: config.poolSize,
    supportBigNumbers: true,
    bigNumberStrings: true,
  };
}

export function dialectOf(dataSource: DataSource): Dialect {
  return dataSource.options.type === 'better-sqlite3' ? 'sqlite' : 'mysql';
}

export async function createDataSource(config: DatabaseConfig, logger?: StructuredLogger): Promise<DataSource> {
  const dataSource = new DataSource(await buildDataSourceOptions(config, logger));
  await dataSource.initialize();
  return dataSource;
}
