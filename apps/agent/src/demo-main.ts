import 'reflect-metadata';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InstanceCatalog } from '@spot/catalog';
import { ImdsServer, SimulatedCloud, SimulatedContinuity, TraceReplayMarket } from '@spot/cloud';
import { StructuredLogger, SystemClock } from '@spot/core';
import { DemoFleet } from '@spot/demo-fleet';
import { loadMarketModel } from '@spot/market-model';
import { demoAgentFactory } from './demo-agents';
import { REAL_TIMERS } from './spot-agent';

/** Where the replay starts in the shipped trace (eu-west-1, 2021-12-13 … 2022-03-12). */
const TRACE_START = new Date('2022-01-17T00:00:00Z');

function positiveNumber(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

async function waitForApi(url: string, logger: StructuredLogger): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      if ((await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      // not up yet
    }
    if (attempt === 30) logger.event({ level: 'warn', component: 'DEMO-FLEET', action: 'WAIT-API', result: 'WAITING', message: `still waiting for the API at ${url}` });
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * The demo on `npm start`: a demo client whose six simulated instances are each run by the real
 * agent code against the simulated cloud and its IMDS, with real eu-west-1 spot prices replayed
 * time-compressed. It never takes the control plane down with it: failures are logged and the
 * process waits to be stopped.
 */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const logger = new StructuredLogger({ level: 'info', format: process.env.LOG_FORMAT === 'json' ? 'json' : 'text', defaultComponent: 'DEMO-FLEET' });
  // The API of this machine (the same API_PORT the API listens on).
  const apiUrl = `http://127.0.0.1:${Math.floor(positiveNumber(process.env, 'API_PORT', 8000))}`;
  const clock = new SystemClock();
  const speed = positiveNumber(process.env, 'DEMO_REPLAY_SPEED', 60);
  const seed = Math.floor(positiveNumber(process.env, 'DEMO_SEED', 7));
  const catalog = InstanceCatalog.fromDirectory();
  const market = new TraceReplayMarket(loadMarketModel({ seed, catalog }), { traceStart: TRACE_START, wallStart: clock.now(), speed, minRebalanceLeadMs: 60_000 });
  const cloud = new SimulatedCloud({ clock, market, region: 'eu-west-1', seed, bootMs: 8_000, imageMs: 12_000, shutdownMs: 4_000, logger });
  const imds = new ImdsServer((id) => cloud.metadata(id), clock);
  await imds.start();
  await waitForApi(apiUrl, logger);
  const stateDir = join(process.cwd(), 'data', 'demo-fleet');
  // The simulated cloud lives in this process: queues of a previous run's instances are void.
  rmSync(join(stateDir, 'agents'), { recursive: true, force: true });
  const fleet = new DemoFleet({
    apiUrl,
    cloud,
    clock,
    timers: REAL_TIMERS,
    logger,
    credentialsFile: join(stateDir, 'demo-client.json'),
    // Continuity settings given to a demo agent (portal, agent modal) act on the simulated region's side (docs/continuity.md).
    agentFactory: demoAgentFactory({ apiUrl, cloud, continuity: new SimulatedContinuity({ clock, instances: cloud.instanceView(), seed, logger }), imds, catalog, clock, logger, timers: REAL_TIMERS, stateDir: join(stateDir, 'agents') }),
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await fleet.stop();
    await imds.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  try {
    await fleet.start();
  } catch (error) {
    logger.event({ level: 'error', component: 'DEMO-FLEET', action: 'START', result: 'FAILURE', message: `${error instanceof Error ? error.message : String(error)}; the API and scheduler keep running` });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo fleet: ${error instanceof Error ? error.stack : String(error)}\n`);
  // Exit cleanly: the launcher treats the demo as optional.
  process.exit(0);
});
