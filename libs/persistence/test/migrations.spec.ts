import { DataSource } from 'typeorm';
import { createDataSource, DatabaseLock, migrateDatabase, MIGRATION_LOCK } from '@spot/persistence';
import { MIGRATIONS } from '@spot/migrations';
import { describeEachDatabase } from '@spot/testing';

describeEachDatabase('migrations under a lock', (db) => {
  const opened: DataSource[] = [];
  const open = async () => {
    const ds = await createDataSource(db().config);
    opened.push(ds);
    return ds;
  };

  afterAll(async () => {
    for (const ds of opened) if (ds.isInitialized) await ds.destroy();
  });

  it('applies each migration once when several processes start together', async () => {
    const sources = await Promise.all([open(), open(), open()]);
    const applied = await Promise.all(sources.map((ds) => migrateDatabase(ds)));

    // Exactly one process applied the migrations; the others found nothing to do.
    expect(applied.flat().sort()).toEqual(MIGRATIONS.map((m) => new m().name).sort());
    const rows = await sources[0].query('SELECT name FROM migrations');
    expect(rows).toHaveLength(MIGRATIONS.length);
  });

  it('waits for the process holding the lock, then finds the schema current', async () => {
    const [holder, waiter] = await Promise.all([open(), open()]);
    const held = await DatabaseLock.for(holder).acquire(MIGRATION_LOCK, 1000);
    expect(held).not.toBeNull();
    let finished = false;
    const waiting = migrateDatabase(waiter, { waitMs: 10_000 }).then((names) => {
      finished = true;
      return names;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(finished).toBe(false);
    await held!.release();
    await expect(waiting).resolves.toEqual([]);
  });

  it('gives up with a clear error when the lock never frees', async () => {
    const [holder, waiter] = await Promise.all([open(), open()]);
    const held = await DatabaseLock.for(holder).acquire(MIGRATION_LOCK, 1000);
    try {
      await expect(migrateDatabase(waiter, { waitMs: 200 })).rejects.toThrow(/another process/);
    } finally {
      await held!.release();
    }
  });

  it('lets only one holder have a named lock at a time', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const first = await DatabaseLock.for(a).acquire('job:test', 0);
    expect(first).not.toBeNull();
    expect(await DatabaseLock.for(b).acquire('job:test', 0)).toBeNull();
    await first!.release();
    const second = await DatabaseLock.for(b).acquire('job:test', 0);
    expect(second).not.toBeNull();
    await second!.release();
  });
});
