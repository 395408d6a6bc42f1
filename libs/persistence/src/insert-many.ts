import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

export interface InsertManyOptions {
  /**
   * Rows clashing on this unique key (its columns) are skipped: SQLite `ON CONFLICT (…) DO
   * NOTHING`, MySQL `INSERT IGNORE` (mysql2 counts a no-op ON DUPLICATE KEY UPDATE as a found
   * row, so only IGNORE tells inserted rows apart). IGNORE also downgrades bad values to
   * warnings on MySQL: use it only for rows the caller has validated.
   */
  skipDuplicatesOf?: string[];
  /** Upsert: on a clash of `conflict` (the key's columns), set `update` from the new row. */
  upsert?: { conflict: string[]; update: string[] };
}

/**
 * A multi-row INSERT built directly from the entity metadata, with positional parameters, for
 * hot paths. TypeORM's insert builder checks every named parameter against all earlier ones, so
 * a few hundred values cost it milliseconds of CPU per statement (docs/benchmarks.md, data-valve
 * profile); this builds the same SQL in one pass. Values go through the driver's own
 * conversion (dates, booleans, JSON), so both dialects store what insertRow would. Answers the
 * number of rows written (a skipped duplicate is not counted; MySQL counts an updated row twice).
 */
export async function insertMany<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, rows: T[], options: InsertManyOptions = {}): Promise<number> {
  if (rows.length === 0) return 0;
  const metadata = manager.connection.getMetadata(entity);
  const driver = manager.connection.driver;
  const sqlite = manager.connection.options.type === 'better-sqlite3';
  // One column per database name (a relation's join column and its declared id column are one).
  const columns = metadata.columns.filter((c, i, all) => !c.isVirtual && all.findIndex((d) => d.databaseName === c.databaseName) === i);
  const params: unknown[] = [];
  for (const row of rows) {
    for (const c of columns) {
      let value: unknown = (row as Record<string, unknown>)[c.propertyName];
      if (value === undefined) value = typeof c.default === 'function' ? null : (c.default ?? null);
      params.push(driver.preparePersistentValue(value, c));
    }
  }
  const esc = (name: string) => driver.escape(name);
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const verb = options.skipDuplicatesOf && !sqlite ? 'INSERT IGNORE' : 'INSERT';
  let sql = `${verb} INTO ${esc(metadata.tableName)} (${columns.map((c) => esc(c.databaseName)).join(', ')}) VALUES ${rows.map(() => tuple).join(', ')}`;
  if (options.skipDuplicatesOf) {
    if (sqlite) sql += ` ON CONFLICT (${options.skipDuplicatesOf.map(esc).join(', ')}) DO NOTHING`;
  } else if (options.upsert) {
    const { conflict, update } = options.upsert;
    sql += sqlite
      ? ` ON CONFLICT (${conflict.map(esc).join(', ')}) DO UPDATE SET ${update.map((u) => `${esc(u)} = excluded.${esc(u)}`).join(', ')}`
      : ` ON DUPLICATE KEY UPDATE ${update.map((u) => `${esc(u)} = VALUES(${esc(u)})`).join(', ')}`;
  }
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, params, true);
    return Number(result.affected ?? 0);
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}
