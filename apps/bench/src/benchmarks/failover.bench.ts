import { INestApplication } from '@nestjs/common';
import { loadConfig, StructuredLogger } from '@spot/core';
import { AgentRegistry, ClientService } from '@spot/identity';
import { ReplicaService } from '@spot/replicas';
import { EmergencyFallback } from '@spot/sentinel';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../../api/src/bootstrap';
import { Benchmark } from '../benchmark';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
const round = (x: number) => Math.round(x * 100) / 100;
const instanceIdOf = (n: number) => `i-${n.toString(16).padStart(17, '0')}`;

interface Target {
  agentId: string;
  token: string;
  instanceId: string;
}

/**
 * The control plane's share of a failover (DESIGN §8): many agents with ready replicas get
 * termination notices at once over HTTP; each latency runs from the notice sent to the answer,
 * which comes after the promotion (switch, identity move, promote command for the replica's
 * agent, event closed) is committed. `--agents=N` (default 200), `--concurrency=C` (default 50),
 * `--clients=K` (default: 50 agents per client). `drain_s` is the wall time from the first notice
 * sent to the last answer: `--agents=1000 --clients=10 --concurrency=1000` is issue 22's "1,000
 * notices across 10 clients". `--profile=<file>` writes a CPU profile of the notices,
 * `--log-queries` logs every SQL statement (use with few agents).
 */
export const failoverBenchmark: Benchmark = {
  name: 'failover',
  description: 'concurrent termination notices with ready replicas → promotion recorded (p50/p99 ms)',
  async run({ databaseUrl, args, progress }) {
    const agentCount = Number(args.agents ?? 200);
    const concurrency = Number(args.concurrency ?? 50);
    // 50 agents per client unless --clients says how many clients share the agents.
    const perClient = args.clients ? Math.ceil(agentCount / Number(args.clients)) : 50;
    const config = loadConfig(
      { NODE_ENV: 'production', DATABASE_URL: databaseUrl, JWT_SECRET: 'bench-secret-0123456789abcdef0123456789', LOG_LEVEL: args['log-queries'] ? 'debug' : 'error', DB_LOG_QUERIES: args['log-queries'] ? 'true' : 'false', DB_POOL_SIZE: '20', EMERGENCY_LAUNCH_BURST: '100000', EMERGENCY_LAUNCHES_PER_MINUTE: '1000000' },
      { devSecretFile: null },
    );
    const logger = new StructuredLogger({ level: args['log-queries'] ? 'debug' : 'error', sink: (line) => process.stderr.write(`${line}\n`), defaultComponent: 'CORE-API' });
    const app: INestApplication = await createApiApp(config, logger);
    // A backlog above Node's default 511, so 1,000 notices opened at once are all accepted (with
    // 511, connections past the backlog were reset under load: `notice failed: … ECONNRESET`).
    await new Promise<void>((resolve) => app.getHttpServer().listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
    const address = app.getHttpServer().address() as { port: number };
    const base = `http://127.0.0.1:${address.port}`;
    try {
      progress(`setting up ${agentCount} agents with ready replicas`);
      const targets = await setUp(app, agentCount, perClient);
      progress(`sending ${agentCount} termination notices, ${concurrency} at a time`);
      const latencies: number[] = [];
      let errors = 0;
      let next = 0;
      const profiler = args.profile ? await startProfile() : null;
      const started = performance.now();
      const worker = async () => {
        while (next < targets.length) {
          const target = targets[next++];
          const sent = performance.now();
          try {
            const res = await fetch(`${base}/api/agents/${target.agentId}/termination-imminent`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${target.token}` },
              body: JSON.stringify({ instance_id: target.instanceId }),
            });
            const body = (await res.json()) as { response_action?: string; failover_completed?: boolean };
            if (res.status !== 200 || body.response_action !== 'promoted-existing-replica' || !body.failover_completed) {
              if (errors++ < 3) progress(`unexpected answer ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
            } else latencies.push(performance.now() - sent);
          } catch (error) {
            if (errors++ < 3) progress(`notice failed: ${error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? '')}` : String(error)}`);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, agentCount) }, worker));
      const elapsed = performance.now() - started;
      if (profiler) progress(`CPU profile of the notices: ${await profiler.stop(String(args.profile))}`);
      const [{ n }] = await app.get(DataSource).query("SELECT COUNT(*) AS n FROM commands WHERE command_type = 'promote-replica' AND status = 'pending'");
      if (Number(n) !== latencies.length) errors += Math.abs(Number(n) - latencies.length);
      latencies.sort((a, b) => a - b);
      return {
        failovers: latencies.length,
        p50_ms: round(percentile(latencies, 50) ?? 0),
        p99_ms: round(percentile(latencies, 99) ?? 0),
        max_ms: round(latencies[latencies.length - 1] ?? 0),
        throughput_per_s: round((latencies.length / elapsed) * 1000),
        drain_s: round(elapsed / 1000),
        concurrency,
        clients: Math.ceil(agentCount / perClient),
        errors,
      };
    } finally {
      await app.close();
    }
  },
};

/** Clients, agents on spot instances, and one ready replica each, through the libs. */
async function setUp(app: INestApplication, agentCount: number, perClient: number): Promise<Target[]> {
  const clients = app.get(ClientService);
  const registry = app.get(AgentRegistry);
  const fallback = app.get(EmergencyFallback);
  const replicas = app.get(ReplicaService);
  const targets: Target[] = [];
  let clientId = '';
  for (let i = 0; i < agentCount; i++) {
    if (i % perClient === 0) {
      const { client } = await clients.createClient({ name: `Bench ${i / perClient}`, email: `bench-${i / perClient}@bench.test`, maxAgents: perClient, maxInstances: perClient * 4 }, 'bench');
      clientId = client.id;
    }
    const instanceId = instanceIdOf(i * 2 + 1);
    const az = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'][i % 3];
    const registered = await registry.register(clientId, { logicalAgentId: `bench-${i}`, instanceId, instanceType: 'm5.large', region: 'eu-west-1', az, mode: 'spot' });
    const rebalance = await fallback.handle(registered.agent.id, { route: 'create-emergency-replica', signalType: 'rebalance-recommendation', forceReplica: true });
    const replicaId = rebalance.event.replicaId as string;
    await replicas.attachReplicaAgent(registered.agent.id, replicaId, instanceIdOf(i * 2 + 2));
    await replicas.updateSync(registered.agent.id, replicaId, { progress: 100 });
    targets.push({ agentId: registered.agent.id, token: registered.agentToken, instanceId });
  }
  return targets;
}

/** `--profile=<file>`: a V8 CPU profile of the notice phase only (open it in Chrome DevTools). */
async function startProfile(): Promise<{ stop(file: string): Promise<string> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      return file;
    },
  };
}
