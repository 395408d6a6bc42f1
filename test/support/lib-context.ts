import { INestApplicationContext, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { Clock, CoreModule, loadConfig, ManualClock, StructuredLogger } from '@spot/core';
import { PersistenceModule } from '@spot/persistence';
import { TestDatabase } from './databases';
import { TEST_JWT_SECRET } from './api-app';

export interface LibContext {
  app: INestApplicationContext;
  clock: ManualClock;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** Lib modules wired as the apps wire them, on a migrated database, with a manual clock. */
export async function startLibContext(
  database: TestDatabase,
  imports: NonNullable<ModuleMetadata['imports']>,
  options: { clock?: ManualClock; overrides?: Array<{ provide: unknown; useValue: unknown }> } = {},
): Promise<LibContext> {
  const clock = options.clock ?? new ManualClock('2026-11-24T12:00:00.000Z');
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'error' }, { devSecretFile: null });
  const logger = new StructuredLogger({ level: 'error', clock, sink: () => undefined, defaultComponent: 'CORE-TEST' });
  const builder = Test.createTestingModule({ imports: [CoreModule.forRoot(config, { component: 'CORE-TEST', logger }), PersistenceModule.forRoot(), ...imports] })
    .overrideProvider(Clock)
    .useValue(clock);
  for (const override of options.overrides ?? []) builder.overrideProvider(override.provide).useValue(override.useValue);
  const moduleRef = await builder.compile();
  const app = await moduleRef.init();
  return { app, clock, dataSource: app.get(DataSource), close: () => app.close() };
}
