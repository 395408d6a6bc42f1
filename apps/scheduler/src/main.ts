import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig, StructuredLogger } from '@spot/core';
import { SCHEDULED_JOBS, SchedulerModule } from './scheduler.module';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  const logger = new StructuredLogger({ level: config.logging.level, format: config.logging.format, defaultComponent: 'WORK-SCHED' });
  const app = await NestFactory.createApplicationContext(SchedulerModule.forRoot(config, logger), { logger, abortOnError: false });
  app.enableShutdownHooks();
  logger.event({
    level: 'info',
    component: 'WORK-SCHED',
    action: 'START',
    result: 'SUCCESS',
    message: `scheduler ${config.version} running ${SCHEDULED_JOBS.map((job) => job.NAME).join(', ')} (database ${config.database.dialect})`,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
