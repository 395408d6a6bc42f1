import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { NestFactory } from '@nestjs/core';
import { StructuredLogger } from '@spot/core';
import { AgentModule } from './agent.module';
import { AgentSettingsError, EnvInstanceIdentitySource, readAgentSettings } from './agent-settings';

/**
 * The agent that runs on each EC2 instance. For now it registers and heartbeats; command
 * execution, price reports and interruption monitoring arrive with the agent issue.
 */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const logger = new StructuredLogger({ level: 'info', defaultComponent: 'CORE-AGENT' });
  const settings = readAgentSettings(process.env, hostname());
  const identity = new EnvInstanceIdentitySource(process.env, hostname());
  await identity.read(); // fail fast on a misconfigured instance identity
  const app = await NestFactory.createApplicationContext(AgentModule.forRoot(settings, identity, logger), { logger, abortOnError: false });
  app.enableShutdownHooks();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof AgentSettingsError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
