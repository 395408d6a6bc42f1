import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { NestFactory } from '@nestjs/core';
import { InstanceCatalog } from '@spot/catalog';
import { AwsCloudProvider, AwsContinuityCloud, createEc2Client, createElbv2Client, createRoute53Client } from '@spot/cloud';
import { replicaSyncIntervalMs } from '@spot/continuity';
import { StructuredLogger, SystemClock } from '@spot/core';
import { AgentModule } from './agent.module';
import { AgentSettingsError, EnvInstanceIdentitySource, ImdsInstanceIdentitySource, InstanceIdentitySource, readAgentSettings } from './agent-settings';
import { REAL_TIMERS } from './agent-context';
import { ImdsClient } from './imds-client';
import { readIdentityPatiently } from './startup';

/**
 * The agent that runs on each EC2 instance: identity from IMDSv2, EC2 through the SDK's default
 * credential chain and endpoint variables, reports kept on disk while the control plane is away.
 */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const clock = new SystemClock();
  const logger = new StructuredLogger({ level: 'info', defaultComponent: 'CORE-AGENT' });
  const settings = readAgentSettings(process.env, hostname());
  const imds = ImdsClient.fromEnvironment(process.env, clock);
  const identity: InstanceIdentitySource = process.env.SPOT_IDENTITY === 'env' ? new EnvInstanceIdentitySource(process.env, hostname()) : new ImdsInstanceIdentitySource(imds);
  // Waits for IMDS (one plain line per failed attempt); a misconfigured SPOT_IDENTITY=env fails at once.
  const instance = await readIdentityPatiently(identity, logger, REAL_TIMERS);
  const cloud = new AwsCloudProvider({ ec2: createEc2Client(instance.region), safeMode: settings.dryRun, logger });
  // Traffic, addresses and volumes follow a switch or failover (docs/continuity.md); endpoints from the SDK's variables.
  const continuity = new AwsContinuityCloud({ ec2: createEc2Client(instance.region), elbv2: createElbv2Client(instance.region), route53: createRoute53Client(instance.region), safeMode: settings.dryRun, logger });
  const ports = { identity, imds, cloud, continuity, replicaSyncIntervalMs: replicaSyncIntervalMs(process.env), catalog: InstanceCatalog.fromDirectory(), clock, logger };
  const app = await NestFactory.createApplicationContext(AgentModule.forRoot(settings, ports), { logger, abortOnError: false });
  app.enableShutdownHooks();
}

main().catch((error: unknown) => {
  // A plain message (the stack only with DEBUG set): the operator needs the cause, not the call chain.
  const text = error instanceof AgentSettingsError ? error.message : `Agent stopped: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`${text}${process.env.DEBUG && error instanceof Error ? `\n${error.stack}` : ''}\n`);
  process.exit(1);
});
