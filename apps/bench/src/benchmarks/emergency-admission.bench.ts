import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { Clock, loadConfig, ManualClock, StructuredLogger } from '@spot/core';
import { AgentRegistry, ClientService } from '@spot/identity';
import { EmergencyFallback } from '@spot/sentinel';
import { ApiModule } from '../../../api/src/api.module';
import { configureApiApp } from '../../../api/src/bootstrap';
import { Benchmark } from '../benchmark';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
const round = (x: number) => Math.round(x * 100) / 100;
const instanceIdOf = (n: number) => `i-${n.toString(16).padStart(17, '0')}`;
const NOTICE_MS = 120_000;

/**
 * Issue 22 finding 11, in virtual time: one client loses `--agents` spot instances (default 100)
 * without replicas; all its termination notices arrive over HTTP at the same virtual instant.
 * The emergency-queue job's work (`drainQueue`) then runs every `--drain-every-s` seconds of
 * virtual time (default 2, the job's cron). Each termination's wait runs from its notice
 * (`detected_at`) to its launch admitted (`action_at`); every one must be inside the 120 s
 * notice. The admission limits are the product's defaults (docs/emergency-admission.md).
 */
export const emergencyAdmissionBenchmark: Benchmark = {
  name: 'emergency-admission',
  description: 'mass reclaim of one client in virtual time: every emergency launch admitted inside the 120 s notice',
  async run({ databaseUrl, args, progress }) {
    const agentCount = Number(args.agents ?? 100);
    const drainEveryMs = Number(args['drain-every-s'] ?? 2) * 1000;
    const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: databaseUrl, JWT_SECRET: 'bench-secret-0123456789abcdef0123456789', LOG_LEVEL: 'error', DB_POOL_SIZE: '20' }, { devSecretFile: null });
    const clock = new ManualClock('2026-12-01T12:00:00.000Z');
    const logger = new StructuredLogger({ level: 'error', clock, sink: (line) => process.stderr.write(`${line}\n`), defaultComponent: 'CORE-API' });
    const moduleRef = await Test.createTestingModule({ imports: [ApiModule.forRoot(config, logger)] })
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    const app = moduleRef.createNestApplication({ bodyParser: false, logger });
    configureApiApp(app, config);
    await app.init();
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const wallStarted = performance.now();
    try {
      progress(`one client, ${agentCount} spot agents without replicas`);
      const { client } = await app.get(ClientService).createClient({ name: 'Reclaimed', email: 'reclaim@bench.test', maxAgents: agentCount, maxInstances: agentCount * 4 }, 'bench');
      const registry = app.get(AgentRegistry);
      const agents: Array<{ agentId: string; token: string; instanceId: string }> = [];
      for (let i = 0; i < agentCount; i++) {
        const instanceId = instanceIdOf(i + 1);
        const registered = await registry.register(client.id, { logicalAgentId: `reclaimed-${i}`, instanceId, instanceType: 'm5.large', region: 'eu-west-1', az: 'eu-west-1a', mode: 'spot' });
        agents.push({ agentId: registered.agent.id, token: registered.agentToken, instanceId });
      }

      progress(`${agentCount} termination notices at virtual t=0`);
      const answers = await Promise.all(
        agents.map(async (a) => {
          const res = await fetch(`${base}/api/agents/${a.agentId}/termination-imminent`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${a.token}` },
            body: JSON.stringify({ instance_id: a.instanceId }),
          });
          return { status: res.status, body: (await res.json()) as { response_action?: string } };
        }),
      );
      const errors = answers.filter((a) => a.status !== 200).length;
      const admittedAtOnce = answers.filter((a) => a.body.response_action === 'emergency-launch').length;

      const fallback = app.get(EmergencyFallback);
      const dataSource = app.get(DataSource);
      const queued = async () => Number((await dataSource.query("SELECT COUNT(*) AS n FROM spot_interruption_events WHERE response_action = 'queued'"))[0].n);
      let drains = 0;
      while ((await queued()) > 0 && drains * drainEveryMs < 10 * NOTICE_MS) {
        clock.advance(drainEveryMs);
        await fallback.drainQueue();
        drains += 1;
      }

      const rows = (await dataSource.query("SELECT detected_at, action_at, response_action FROM spot_interruption_events WHERE signal_type = 'termination-notice'")) as Array<{
        detected_at: string | Date;
        action_at: string | Date | null;
        response_action: string;
      }>;
      const waits = rows
        .filter((r) => r.action_at !== null)
        .map((r) => new Date(r.action_at as string).getTime() - new Date(r.detected_at).getTime())
        .sort((a, b) => a - b);
      const launches = Number((await dataSource.query("SELECT COUNT(*) AS n FROM commands WHERE command_type = 'emergency-launch'"))[0].n);
      const within = waits.filter((w) => w <= NOTICE_MS).length;
      return {
        terminations: rows.length,
        launched: launches,
        admitted_at_once: admittedAtOnce,
        admitted_within_120s: within,
        never_admitted: rows.length - waits.length,
        wait_p50_s: round((percentile(waits, 50) ?? 0) / 1000),
        wait_p99_s: round((percentile(waits, 99) ?? 0) / 1000),
        wait_max_s: round((waits[waits.length - 1] ?? 0) / 1000),
        all_within_120s: within === agentCount && rows.length === agentCount,
        limits: config.emergencyLimits,
        drain_every_s: drainEveryMs / 1000,
        drains,
        wall_s: round((performance.now() - wallStarted) / 1000),
        errors: errors + Math.abs(launches - rows.length),
      };
    } finally {
      await app.close();
    }
  },
};
