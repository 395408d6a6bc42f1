import { DataSource } from 'typeorm';
import { ALL_ENTITIES } from '@spot/persistence';
import { describeEachDatabase, openMigratedDataSource } from '@spot/testing';

/**
 * The migrations must build exactly what the entities describe, on every dialect:
 * after migrating, TypeORM's schema builder finds nothing to change.
 */
describeEachDatabase('schema drift', (db) => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await openMigratedDataSource(db());
  });

  afterAll(async () => {
    await dataSource?.destroy();
  });

  it('has no pending schema change after the migrations', async () => {
    const diff = await dataSource.driver.createSchemaBuilder().log();
    expect(diff.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('creates every table of the schema', async () => {
    const runner = dataSource.createQueryRunner();
    try {
      const tables = await runner.getTables(ALL_ENTITIES.map((e) => dataSource.getMetadata(e).tableName));
      expect(tables).toHaveLength(ALL_ENTITIES.length);
    } finally {
      await runner.release();
    }
  });

  it('undoes every migration and applies them again', async () => {
    for (let i = 0; i < dataSource.migrations.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
    const runner = dataSource.createQueryRunner();
    try {
      expect(await runner.hasTable('agents')).toBe(false);
    } finally {
      await runner.release();
    }
    await dataSource.runMigrations({ transaction: 'each' });
    const diff = await dataSource.driver.createSchemaBuilder().log();
    expect(diff.upQueries).toHaveLength(0);
  });
});
