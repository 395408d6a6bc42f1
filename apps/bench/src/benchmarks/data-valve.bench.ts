import { AddressInfo } from 'node:net';
import { InstanceCatalog } from '@spot/catalog';
import { Clock, loadConfig, StructuredLogger } from '@spot/core';
import { BUCKET_MS, bucketStartOf, GapFiller, PoolDirectory, PriceIngest, PriceObservationInput } from '@spot/data-valve';
import { AgentRegistry, ClientService } from '@spot/identity';
import { insertRow, PricingSnapshotCleanEntity } from '@spot/persistence';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../../api/src/bootstrap';
import { Benchmark, BenchmarkOptions } from '../benchmark';
import { percentile, runHttpLoad } from '../http-load';

const REGION = 'eu-west-1';
const AZS = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
const HOUR = 3_600_000;

const int = (args: Record<string, string>, name: string, fallback: number) => {
  const value = args[name] === undefined ? fallback : Number(args[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
};

/** Runs `work(i)` for i in [0, count) with at most `concurrency` in flight. */
async function pool(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/** A market price per pool that moves now and then (a step function, like AWS's). */
function marketPrice(poolIndex: number, onDemand: number, at: number): number {
  const step = Math.floor(at / (20 * 60_000)) + poolIndex * 7; // a new price every 20 minutes
  const wobble = ((step * 2654435761) % 1000) / 1000; // deterministic pseudo-random in [0,1)
  return Math.round(onDemand * (0.3 + 0.1 * wobble) * 1e6) / 1e6;
}

/**
 * `npm run bench -- data-valve [--db=mysql] [--agents=10000] [--pools-per-agent=20] [--minutes=1]
 *  [--concurrency=8] [--http-requests=600] [--http-concurrency=8] [--gap-pools=150]`
 *
 * 1. Ingest: one simulated minute of a fleet of `agents` agents, each reporting `pools-per-agent`
 *    pools (≈ 200 pools shared by all, as in one region), fed to PriceIngest `concurrency` reports
 *    at a time: rows/s. Target: 10,000 × 20 per minute ≈ 3,300 rows/s.
 * 2. HTTP: `http-requests` real POST /api/agents/:id/pricing-report calls (20 observations,
 *    `http-concurrency` in flight, default 8) against the API listening on a local port:
 *    p50/p99 latency and rows/s through the whole HTTP path.
 * 3. Gap fill: a day of series for `gap-pools` pools with short, medium and long gaps: points/s.
 */
export const dataValveBenchmark: Benchmark = {
  name: 'data-valve',
  description: 'price ingest rows/s, pricing-report p99 over HTTP, gap-fill points/s',
  async run({ databaseUrl, args, progress }: BenchmarkOptions) {
    const agents = int(args, 'agents', 10_000);
    const poolsPerAgent = int(args, 'pools-per-agent', 20);
    const minutes = int(args, 'minutes', 1);
    const concurrency = int(args, 'concurrency', 8);
    const httpRequests = int(args, 'http-requests', 600);
    const gapPools = int(args, 'gap-pools', 150);
    const httpConcurrency = int(args, 'http-concurrency', 8);

    const config = loadConfig(
      { NODE_ENV: 'production', DATABASE_URL: databaseUrl, JWT_SECRET: 'bench-secret-0123456789abcdef0123456789', LOG_LEVEL: 'warn', BCRYPT_ROUNDS: '4' },
      { devSecretFile: null },
    );
    const logger = new StructuredLogger({ level: 'warn', defaultComponent: 'CORE-API', sink: (line) => process.stderr.write(`${line}\n`) });
    const app = await createApiApp(config, logger);
    await app.listen(0, '127.0.0.1');
    try {
      const clock = app.get(Clock);
      const catalog = app.get(InstanceCatalog);
      const ingest = app.get(PriceIngest);
      const directory = app.get(PoolDirectory);
      const types = catalog
        .similarTypes('m5.large', REGION, { maxVcpuFactor: 16 })
        .concat(catalog.similarTypes('c5.large', REGION, { maxVcpuFactor: 16 }))
        .filter((t, i, all) => all.findIndex((u) => u.name === t.name) === i)
        .slice(0, 70);
      const pools = types.flatMap((t) => AZS.map((az) => ({ instanceType: t.name, az, onDemand: catalog.onDemandPrice(REGION, t.name) as number })));
      for (const p of pools) await directory.ensure(p.instanceType, REGION, p.az);
      progress(`${pools.length} pools, ${agents} agents x ${poolsPerAgent} pools x ${minutes} min`);

      // 1. Ingest throughput.
      const start = bucketStartOf(clock.nowMs() - (minutes + 30) * 60_000).getTime();
      const reports = agents * minutes;
      const observationsOf = (r: number): PriceObservationInput[] => {
        const agent = r % agents;
        const minute = Math.floor(r / agents);
        const at = start + minute * 60_000 + (agent % 60) * 1000;
        return Array.from({ length: poolsPerAgent }, (_, k) => {
          const index = (agent * 7 + k * 11) % pools.length;
          const p = pools[index];
          return { instanceType: p.instanceType, az: p.az, spotPrice: marketPrice(index, p.onDemand, at), observedAt: new Date(at) };
        });
      };
      // Warm-up (connections, statement caches, pool directory).
      for (let r = 0; r < 50; r++) await ingest.ingest({ clientId: 'bench', agentId: `warm-${r}`, instanceId: null, role: 'primary', region: REGION, observations: observationsOf(r) });
      let rows = 0;
      const ingestStarted = performance.now();
      let lastReport = ingestStarted;
      await pool(reports, concurrency, async (r) => {
        const result = await ingest.ingest({ clientId: 'bench', agentId: `agent-${r % agents}`, instanceId: null, role: 'primary', region: REGION, observations: observationsOf(r) });
        rows += result.stored;
        if (performance.now() - lastReport > 5000) {
          lastReport = performance.now();
          progress(`ingest: ${rows} rows, ${Math.round((rows * 1000) / (lastReport - ingestStarted))} rows/s`);
        }
      });
      const ingestSeconds = (performance.now() - ingestStarted) / 1000;
      const ingestRowsPerS = Math.round(rows / ingestSeconds);
      progress(`ingest: ${rows} rows in ${ingestSeconds.toFixed(1)} s = ${ingestRowsPerS} rows/s`);

      // 2. The HTTP route, end to end (auth, validation, agent lookup, ingest).
      const { client, clientToken } = await app.get(ClientService).createClient({ name: 'Bench', maxAgents: 100, maxInstances: 100 }, 'bench');
      void clientToken;
      const registered = await app.get(AgentRegistry).register(client.id, {
        logicalAgentId: 'bench-agent',
        instanceId: 'i-0123456789abcdef0',
        instanceType: 'm5.large',
        region: REGION,
        az: 'eu-west-1a',
        mode: 'spot',
      });
      const port = (app.getHttpServer().address() as AddressInfo).port;
      const url = `http://127.0.0.1:${port}/api/agents/${registered.agent.id}/pricing-report`;
      const httpStart = clock.nowMs() - 20 * 60_000;
      const bodyOf = (i: number) => {
        const at = new Date(httpStart + i * 1000);
        const observations = Array.from({ length: 20 }, (_, k) => {
          const index = (i * 3 + k * 11) % pools.length;
          const p = pools[index];
          return { instance_type: p.instanceType, az: p.az, spot_price: marketPrice(index, p.onDemand, at.getTime()), observed_at: at.toISOString() };
        });
        return JSON.stringify({ instance_id: 'i-0123456789abcdef0', observations });
      };
      // The load generator runs in a worker thread, so the API's event loop does only API work.
      const { latencies, elapsedMs } = await runHttpLoad({
        urls: [url],
        token: registered.agentToken,
        warmup: Array.from({ length: 20 }, (_, i) => bodyOf(httpRequests + i)),
        bodies: Array.from({ length: httpRequests }, (_, i) => bodyOf(i)),
        concurrency: httpConcurrency,
      });
      const httpRowsPerS = Math.round((httpRequests * 20 * 1000) / elapsedMs);
      latencies.sort((a, b) => a - b);
      const p50 = percentile(latencies, 50);
      const p99 = percentile(latencies, 99);
      progress(`http: ${httpRequests} reports, ${httpConcurrency} in flight, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${httpRowsPerS} rows/s`);

      // 3. Gap fill over a day with short, medium and long gaps; the AZs' patterns are offset so peers cover long gaps.
      const dataSource = app.get(DataSource);
      const gapDay = bucketStartOf(clock.nowMs() - 3 * 24 * HOUR).getTime();
      const block = [10, -2, 10, -5, 10, -18, 17]; // kept / missing buckets, 72 per 6 hours
      const gapSet = pools.slice(0, gapPools);
      const now = clock.now();
      let written = 0;
      for (const [index, p] of gapSet.entries()) {
        const offset = AZS.indexOf(p.az) * 24;
        const points: PricingSnapshotCleanEntity[] = [];
        for (let b = 0; b < 288; b++) {
          let pos = (b + offset) % 72;
          let keep = true;
          for (const run of block) {
            if (pos < Math.abs(run)) {
              keep = run > 0;
              break;
            }
            pos -= Math.abs(run);
          }
          if (!keep && b > 0 && b < 287) continue;
          const t = gapDay + b * BUCKET_MS;
          points.push({
            poolId: `${p.instanceType}.${p.az}`,
            bucketStart: new Date(t),
            spotPrice: marketPrice(index, p.onDemand, t),
            onDemandPrice: p.onDemand,
            dataSource: 'primary',
            confidenceScore: 1,
            interpolationMethod: null,
            flaggedForReview: false,
            sourceCount: 1,
            createdAt: now,
            updatedAt: now,
          });
        }
        await insertRow(dataSource.manager, PricingSnapshotCleanEntity, points);
        written += points.length;
      }
      progress(`gap fill: ${gapSet.length} pools, ${written} real points with gaps`);
      const gapStarted = performance.now();
      const filled = await app.get(GapFiller).fill({ from: new Date(gapDay), to: new Date(gapDay + 24 * HOUR) });
      const gapSeconds = (performance.now() - gapStarted) / 1000;
      const gapfillPointsPerS = Math.round(filled.pointsFilled / gapSeconds);
      const byClass = filled.filled.reduce<Record<string, number>>((acc, g) => ({ ...acc, [g.method]: (acc[g.method] ?? 0) + g.points.length }), {});
      progress(`gap fill: ${filled.pointsFilled} points in ${gapSeconds.toFixed(2)} s = ${gapfillPointsPerS} points/s ${JSON.stringify(byClass)}`);

      return {
        ingest_rows_per_s: ingestRowsPerS,
        report_p99_ms: Math.round(p99 * 10) / 10,
        report_p50_ms: Math.round(p50 * 10) / 10,
        http_rows_per_s: httpRowsPerS,
        http_concurrency: httpConcurrency,
        gapfill_points_per_s: gapfillPointsPerS,
        ingest_rows: rows,
        agents,
        pools_per_agent: poolsPerAgent,
        pools: pools.length,
        concurrency,
        http_requests: httpRequests,
        gapfill_points: filled.pointsFilled,
        target_rows_per_s: Math.round((10_000 * 20) / 60),
      };
    } finally {
      await app.close();
    }
  },
};
