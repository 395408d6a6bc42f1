import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { defaultDataDirectory } from '@spot/catalog';
import { Clock, loadConfig, ManualClock, StructuredLogger } from '@spot/core';
import { PricingSnapshotCleanEntity, PricingSubmissionRawEntity } from '@spot/persistence';
import { describeEachDatabase, TEST_JWT_SECRET } from '@spot/testing';
import { importPriceFile, PriceImportModule, progressBar } from '../src/prices-import';

describeEachDatabase('npm run prices:import', (db) => {
  let app: INestApplicationContext;
  let dir: string;
  let file: string;
  const clock = new ManualClock('2026-11-24T12:00:00.000Z');

  beforeAll(async () => {
    // Two days of the real trace (every pool of the file that changed then).
    const lines = readFileSync(join(defaultDataDirectory(), 'prices', 'eu-west-1_linux_2021-12-13_2022-03-12.csv'), 'utf8').trim().split('\n');
    const rows = lines.slice(1).filter((l) => l >= '2022-02-01' && l < '2022-02-03');
    dir = mkdtempSync(join(tmpdir(), 'spot-import-'));
    file = join(dir, 'prices.csv');
    writeFileSync(file, [lines[0], ...rows, 'not-a-time,m5.large,eu-west-1a,0.04'].join('\n'));
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: db().url, JWT_SECRET: TEST_JWT_SECRET }, { devSecretFile: null });
    const logger = new StructuredLogger({ level: 'warn', clock, sink: () => undefined });
    const moduleRef = await Test.createTestingModule({ imports: [PriceImportModule.forRoot(config, logger)] })
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    app = await moduleRef.init();
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the CSV through the valve with a progress bar, shifted to now, and stores nothing new the second time', async () => {
    const progress: string[] = [];
    const result = await importPriceFile(app, file, { shiftToNow: true, batchSize: 500 }, { write: (t: string) => progress.push(t) });
    expect(progress[0]).toMatch(/^skipped line \d+: cannot read "not-a-time/);
    expect(progress.at(-1)).toMatch(/^\[#{30}\] 100% {2}(\d+)\/\1 {2}\d+ obs\/s\n$/);
    expect(result).toMatchObject({ rejected: 0, duplicates: 0 });
    expect(result.stored).toBe(result.observations);
    const ds = app.get(DataSource);
    expect(await ds.getRepository(PricingSubmissionRawEntity).count()).toBe(result.observations);
    // Shifted: the last change of the file lands on the manual clock's bucket.
    const newest = await ds.getRepository(PricingSnapshotCleanEntity).findOne({ where: {}, order: { bucketStart: 'DESC' } });
    expect(newest?.bucketStart.getTime()).toBeLessThanOrEqual(clock.nowMs());
    expect(newest?.bucketStart.getTime()).toBeGreaterThan(clock.nowMs() - 10 * 60_000);
    expect(newest).toMatchObject({ dataSource: 'primary', confidenceScore: 1 });

    const again = await importPriceFile(app, file, { shiftToNow: true }, { write: () => undefined });
    expect(again).toMatchObject({ observations: result.observations, stored: 0, duplicates: result.observations, bucketsWritten: 0 });
  });

  it('draws the bar', () => {
    expect(progressBar(50, 200, 1000, 10)).toBe('[###-------]  25%  50/200  50 obs/s');
  });
});
