import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, StructuredLogger } from '@spot/core';
import { createApiApp, SWAGGER_UI_PATH } from './bootstrap';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  const logger = new StructuredLogger({ level: config.logging.level, format: config.logging.format, defaultComponent: 'CORE-API' });
  const app = await createApiApp(config, logger);
  await app.listen(config.http.port, config.http.host);
  const base = `http://${config.http.host === '0.0.0.0' ? 'localhost' : config.http.host}:${config.http.port}`;
  logger.event({
    level: 'info',
    component: 'CORE-API',
    action: 'LISTEN',
    result: 'SUCCESS',
    message: `API ${config.version} on ${base} (docs ${base}/${SWAGGER_UI_PATH}, database ${config.database.dialect})`,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
