import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Clock, loadConfig, ManualClock, StructuredLogger } from '@spot/core';
import { SchedulerModule } from '../../apps/scheduler/src/scheduler.module';
import { TEST_JWT_SECRET, testAdvisorCopyPath } from './api-app';
import { TestDatabase } from './databases';

/**
 * The scheduler app as `npm start` wires it, without cron timers (tests run jobs by hand), on
 * the given database and manual clock. Log lines go to `logLines` when given, else nowhere.
 */
export async function startTestScheduler(database: TestDatabase, clock: ManualClock, logLines?: string[], env: Record<string, string> = {}): Promise<INestApplicationContext> {
  const level = logLines ? 'info' : 'error';
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: level, SPOT_ADVISOR_CACHE_PATH: testAdvisorCopyPath(), ...env }, { devSecretFile: null });
  const logger = new StructuredLogger({ level, clock, sink: (line) => logLines?.push(line), defaultComponent: 'WORK-SCHED' });
  const moduleRef = await Test.createTestingModule({ imports: [SchedulerModule.forRoot(config, logger, { withTimers: false })] })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  return moduleRef.init();
}
