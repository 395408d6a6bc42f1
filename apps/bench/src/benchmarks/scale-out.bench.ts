import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { InstanceCatalog } from '@spot/catalog';
import { Clock, loadConfig, StructuredLogger } from '@spot/core';
import { PoolDirectory } from '@spot/data-valve';
import { AgentRegistry, ClientService } from '@spot/identity';
import { createApiApp } from '../../../api/src/bootstrap';
import { Benchmark, BenchmarkOptions } from '../benchmark';
import { percentile, runHttpLoad } from '../http-load';

const REGION = 'eu-west-1';
const AZS = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
const JWT_SECRET = 'bench-secret-0123456789abcdef0123456789';
const INSTANCE_ID = 'i-0123456789abcdef0';
/** The built API, as docker-compose.yml runs it (`npm run bench` builds first). */
const API_MAIN = resolve(__dirname, '../../../api/src/main.js');
const CLK_TCK = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s

const int = (args: Record<string, string>, name: string, fallback: number) => {
  const value = args[name] === undefined ? fallback : Number(args[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
};

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** CPU seconds used so far by a process (user + system), or 0 when it cannot be read. */
function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime (fields 14 and 15)
  } catch {
    return 0;
  }
}

/** Pids of the local database and Redis servers, to show where the CPU goes (Linux /proc). */
function serverPids(): { database: number[]; redis: number[] } {
  const found = { database: [] as number[], redis: [] as number[] };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let comm = '';
    try {
      comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (comm === 'mariadbd' || comm === 'mysqld') found.database.push(Number(entry));
    if (comm === 'redis-server') found.redis.push(Number(entry));
  }
  return found;
}

/** One API process: `node dist/apps/api/src/main.js` on a free port of 127.0.0.1. */
class ApiProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(env: Record<string, string>, label: string, progress: (message: string) => void): Promise<ApiProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [API_MAIN], {
      cwd: resolve(__dirname, '../../../../..'),
      env: { PATH: process.env.PATH ?? '', ...env, API_HOST: '127.0.0.1', API_PORT: String(port) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const api = new ApiProcess(child, port);
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${label} exited with ${child.exitCode}: ${stderr}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        const body = (await res.json()) as { components?: { redis?: { status?: string } } };
        if (res.ok) {
          progress(`${label}: pid ${child.pid} on :${port}, redis ${body.components?.redis?.status ?? 'absent'}`);
          return api;
        }
      } catch {
        // not listening yet
      }
      await new Promise((done) => setTimeout(done, 250));
    }
    child.kill('SIGKILL');
    throw new Error(`${label} did not answer /health within 90 s: ${stderr}`);
  }

  get pid(): number {
    return this.child.pid as number;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** A market price per pool (a step every 20 minutes), as in the data-valve benchmark. */
function marketPrice(poolIndex: number, onDemand: number, at: number): number {
  const step = Math.floor(at / (20 * 60_000)) + poolIndex * 7;
  const wobble = ((step * 2654435761) % 1000) / 1000;
  return Math.round(onDemand * (0.3 + 0.1 * wobble) * 1e6) / 1e6;
}

/**
 * `npm run bench -- scale-out --db=mysql [--requests=600] [--concurrency=16] [--max-seconds=120]
 *  [--redis=redis://127.0.0.1:6379/8]`
 *
 * Issue 15: real API processes (the built `dist/apps/api/src/main.js`, as docker-compose.yml
 * runs them) on one MySQL/MariaDB database and one Redis, the same JWT_SECRET and key prefix.
 * Phase 1 sends `requests` pricing reports (20 observations each, `concurrency` in flight) to
 * one process; phase 2 starts a second process and sends as many again round-robin to both
 * (the same total in flight). Each phase: reports/s, p50/p99, and the CPU seconds the APIs, the
 * database and Redis used, which show what bounds the throughput on this machine.
 */
export const scaleOutBenchmark: Benchmark = {
  name: 'scale-out',
  description: 'pricing-report throughput and p99 of one, then two API processes on MySQL and Redis',
  async run({ databaseUrl, dialect, args, progress }: BenchmarkOptions) {
    if (dialect !== 'mysql') throw new Error('scale-out needs --db=mysql: several processes on one SQLite file wait on its write lock (docs/architecture.md "Redis")');
    const requests = int(args, 'requests', 600);
    const concurrency = int(args, 'concurrency', 16);
    const deadlineMs = int(args, 'max-seconds', 120) * 1000;
    const redisUrl = args.redis ?? 'redis://127.0.0.1:6379/8';
    if (!/^redis:\/\/127\.0\.0\.1[:/]/.test(redisUrl)) throw new Error('--redis must be a Redis on 127.0.0.1');
    const keyPrefix = `bench-scale-out-${process.pid}:`;
    const dataDir = mkdtempSync(join(tmpdir(), 'spot-bench-scale-out-'));
    const env: Record<string, string> = {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      JWT_SECRET,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: keyPrefix,
      DB_MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'warn',
      MODEL_STORAGE_DIR: join(dataDir, 'models'),
      SPOT_ADVISOR_CACHE_PATH: join(dataDir, 'spot-advisor-data.json'),
    };
    const apis: ApiProcess[] = [];
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      // Set-up in this process (migrations, a client, an agent, the pools); then only the children serve.
      const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: databaseUrl, JWT_SECRET, LOG_LEVEL: 'warn', BCRYPT_ROUNDS: '4' }, { devSecretFile: null });
      const logger = new StructuredLogger({ level: 'warn', defaultComponent: 'CORE-API', sink: (line) => process.stderr.write(`${line}\n`) });
      const setup = await createApiApp(config, logger);
      let agentId: string;
      let agentToken: string;
      let pools: Array<{ instanceType: string; az: string; onDemand: number }>;
      let now: number;
      try {
        const catalog = setup.get(InstanceCatalog);
        const types = catalog
          .similarTypes('m5.large', REGION, { maxVcpuFactor: 16 })
          .concat(catalog.similarTypes('c5.large', REGION, { maxVcpuFactor: 16 }))
          .filter((t, i, all) => all.findIndex((u) => u.name === t.name) === i)
          .slice(0, 70);
        pools = types.flatMap((t) => AZS.map((az) => ({ instanceType: t.name, az, onDemand: catalog.onDemandPrice(REGION, t.name) as number })));
        for (const p of pools) await setup.get(PoolDirectory).ensure(p.instanceType, REGION, p.az);
        const { client } = await setup.get(ClientService).createClient({ name: 'Bench', maxAgents: 10, maxInstances: 10 }, 'bench');
        const registered = await setup.get(AgentRegistry).register(client.id, { logicalAgentId: 'bench-agent', instanceId: INSTANCE_ID, instanceType: 'm5.large', region: REGION, az: 'eu-west-1a', mode: 'spot' });
        agentId = registered.agent.id;
        agentToken = registered.agentToken;
        now = setup.get(Clock).nowMs();
      } finally {
        await setup.close();
      }
      progress(`${pools.length} pools; one agent; ${requests} reports per phase, ${concurrency} in flight, at most ${deadlineMs / 1000} s each; Redis ${redisUrl} prefix ${keyPrefix}`);

      // Each phase reports its own minutes, so no report is a duplicate of an earlier one.
      const bodyOf = (i: number) => {
        const at = new Date(now - 50 * 60_000 + i * 1000);
        const observations = Array.from({ length: 20 }, (_, k) => {
          const index = (i * 3 + k * 11) % pools.length;
          const p = pools[index];
          return { instance_type: p.instanceType, az: p.az, spot_price: marketPrice(index, p.onDemand, at.getTime()), observed_at: at.toISOString() };
        });
        return JSON.stringify({ instance_id: INSTANCE_ID, observations });
      };
      const servers = serverPids();
      const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
      const phase = async (label: string, first: number) => {
        const urls = apis.map((api) => `http://127.0.0.1:${api.port}/api/agents/${agentId}/pricing-report`);
        const before = { api: cpuOf(apis.map((a) => a.pid)), database: cpuOf(servers.database), redis: cpuOf(servers.redis), self: process.cpuUsage() };
        const { latencies, elapsedMs } = await runHttpLoad({
          urls,
          token: agentToken,
          warmup: Array.from({ length: 10 * urls.length }, (_, i) => bodyOf(first + requests + i)),
          bodies: Array.from({ length: requests }, (_, i) => bodyOf(first + i)),
          concurrency,
          deadlineMs,
        });
        const seconds = elapsedMs / 1000;
        const load = process.cpuUsage(before.self);
        latencies.sort((a, b) => a - b);
        const result = {
          api_processes: apis.length,
          reports: latencies.length,
          reports_per_s: Math.round((latencies.length / seconds) * 10) / 10,
          p50_ms: Math.round(percentile(latencies, 50) * 10) / 10,
          p99_ms: Math.round(percentile(latencies, 99) * 10) / 10,
          seconds: Math.round(seconds * 10) / 10,
          // Share of one core each used while the phase ran (warm-up included, so a little high).
          cpu_cores: {
            api: Math.round(((cpuOf(apis.map((a) => a.pid)) - before.api) / seconds) * 100) / 100,
            database: Math.round(((cpuOf(servers.database) - before.database) / seconds) * 100) / 100,
            redis: Math.round(((cpuOf(servers.redis) - before.redis) / seconds) * 100) / 100,
            load_generator: Math.round(((load.user + load.system) / 1e6 / seconds) * 100) / 100,
          },
        };
        progress(`${label}: ${result.reports} reports in ${result.seconds} s = ${result.reports_per_s}/s, p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, cores ${JSON.stringify(result.cpu_cores)}`);
        return result;
      };

      apis.push(await ApiProcess.start(env, 'api-1', progress));
      const one = await phase('one API', 0);
      apis.push(await ApiProcess.start(env, 'api-2', progress));
      const two = await phase('two APIs round-robin', requests + 50);
      return {
        one_api_reports_per_s: one.reports_per_s,
        one_api_p99_ms: one.p99_ms,
        two_apis_reports_per_s: two.reports_per_s,
        two_apis_p99_ms: two.p99_ms,
        speedup: Math.round((two.reports_per_s / one.reports_per_s) * 100) / 100,
        one_api: one,
        two_apis: two,
        requests,
        concurrency,
        observations_per_report: 20,
        cores: cpus().length,
        loadavg_1m: Math.round(loadavg()[0] * 100) / 100,
        redis: 'on',
      };
    } finally {
      for (const api of apis) await api.stop();
      // This run's keys only (its own prefix); never a flush.
      try {
        await redis.connect();
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
          if (keys.length) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } catch (error) {
        progress(`could not remove the ${keyPrefix} keys: ${String(error)}`);
      } finally {
        redis.disconnect();
      }
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
