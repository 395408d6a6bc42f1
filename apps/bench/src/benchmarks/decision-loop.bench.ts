import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { CatalogModule } from '@spot/catalog';
import { Clock, CoreModule, loadConfig, StructuredLogger } from '@spot/core';
import { DecisionLoop, DecisionsModule } from '@spot/decisions';
import { PoolDirectory } from '@spot/data-valve';
import { GlobalRiskModule } from '@spot/global-risk';
import { newAgentRow } from '@spot/identity';
import { AgentEntity, ClientEntity, CommandEntity, InstanceEntity, insertRow, PersistenceModule, PricingSnapshotCleanEntity } from '@spot/persistence';
import { Benchmark, BenchmarkOptions } from '../benchmark';

const AZS = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
/** Types of the real eu-west-1 trace (resources/aws-data) with their typical spot price, $/h. */
const TYPES: Array<[string, number]> = [
  ['m5.large', 0.035],
  ['m5.xlarge', 0.07],
  ['m6i.large', 0.034],
  ['r5.large', 0.04],
  ['r5.xlarge', 0.08],
  ['c5.large', 0.03],
  ['c5.xlarge', 0.06],
  ['c6i.large', 0.031],
  ['t3.medium', 0.014],
  ['t3.large', 0.028],
];
const WORKLOAD_TYPES = ['m5.large', 'c5.large', 't3.medium', 'r5.large'];
const BUCKET_MS = 5 * 60_000;

const int = (args: Record<string, string>, name: string, fallback: number) => {
  const value = args[name] === undefined ? fallback : Number(args[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
};

/**
 * One pass of the 5-minute decision loop over `--agents` online agents (default 1000), each
 * with ~15–30 candidate pools carrying a day of 5-minute prices: how long a pass takes, so how
 * many agents one scheduler can evaluate within the 5 minutes.
 */
export const decisionLoopBenchmark: Benchmark = {
  name: 'decision-loop',
  description: 'one decision-loop pass over N online agents (--agents=1000)',
  async run({ databaseUrl, args, progress }: BenchmarkOptions) {
    const agents = int(args, 'agents', 1000);
    const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: databaseUrl, JWT_SECRET: 'bench-secret-0123456789abcdef0123456789', LOG_LEVEL: 'error' }, { devSecretFile: null });
    const logger = new StructuredLogger({ level: 'error', sink: () => undefined, defaultComponent: 'WORK-SCHED' });
    const moduleRef = await Test.createTestingModule({
      imports: [CoreModule.forRoot(config, { component: 'WORK-SCHED', logger }), PersistenceModule.forRoot(), CatalogModule, GlobalRiskModule, DecisionsModule],
    }).compile();
    const app = await moduleRef.init();
    try {
      const ds = app.get(DataSource);
      const now = new Date();
      const bucket = Math.floor(now.getTime() / BUCKET_MS) * BUCKET_MS;
      progress('seeding pools and a day of prices');
      const pools = new PoolDirectory(ds, app.get(Clock));
      let seed = 42;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      for (const [type, base] of TYPES) {
        for (const az of AZS) {
          const pool = await pools.ensure(type, 'eu-west-1', az);
          let price = base * (0.9 + 0.2 * random());
          const rows: PricingSnapshotCleanEntity[] = [];
          for (let i = 287; i >= 0; i--) {
            price = Math.max(base * 0.5, price * (0.99 + 0.02 * random()));
            rows.push({ poolId: pool.id, bucketStart: new Date(bucket - i * BUCKET_MS), spotPrice: Number(price.toFixed(6)), onDemandPrice: null, dataSource: 'primary', confidenceScore: 1, interpolationMethod: null, flaggedForReview: false, sourceCount: 1, createdAt: now, updatedAt: now });
          }
          for (let i = 0; i < rows.length; i += 100) await insertRow(ds.manager, PricingSnapshotCleanEntity, rows.slice(i, i + 100));
        }
      }
      progress(`seeding ${agents} agents`);
      const client: ClientEntity = { id: '00000000-0000-4000-8000-00000000c0de', name: 'Bench', email: null, clientTokenHash: 'b'.repeat(64), clientTokenHint: 'bnch', plan: 'enterprise', maxAgents: agents, maxInstances: agents * 2, isActive: true, totalSavings: 0, createdAt: now, updatedAt: now };
      await insertRow(ds.manager, ClientEntity, client);
      for (let start = 0; start < agents; start += 200) {
        const batch = Array.from({ length: Math.min(200, agents - start) }, (_, k) => start + k);
        const agentRows: AgentEntity[] = batch.map((i) => {
          const type = WORKLOAD_TYPES[i % WORKLOAD_TYPES.length];
          const az = AZS[i % AZS.length];
          const spot = i % 2 === 0;
          return newAgentRow({ id: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`, clientId: client.id, logicalAgentId: `bench-${i}` }, now, {
            instanceId: `i-${i.toString(16).padStart(17, '0')}`,
            instanceType: type,
            region: 'eu-west-1',
            az,
            currentMode: spot ? 'spot' : 'on-demand',
            currentPoolId: spot ? `${type}.${az}` : null,
            status: 'online',
            lastHeartbeatAt: now,
            autoSwitchEnabled: i % 3 !== 0,
          });
        });
        await insertRow(ds.manager, AgentEntity, agentRows);
        const instanceRows: InstanceEntity[] = agentRows.map((a) => ({
          id: a.id.replace(/^00000000/, '11111111'),
          instanceId: a.instanceId as string,
          clientId: client.id,
          agentId: a.id,
          instanceType: a.instanceType as string,
          region: 'eu-west-1',
          az: a.az as string,
          currentMode: a.currentMode,
          currentPoolId: a.currentPoolId,
          spotPrice: null,
          ondemandPrice: null,
          isActive: true,
          installedAt: now,
          lastSwitchAt: null,
          replacedAt: null,
          terminatedAt: null,
          terminateAfter: null,
          createdAt: now,
          updatedAt: now,
        }));
        await insertRow(ds.manager, InstanceEntity, instanceRows);
      }

      const loop = app.get(DecisionLoop);
      progress('first pass');
      const t0 = performance.now();
      const first = await loop.runOnce();
      const firstMs = performance.now() - t0;
      progress('second pass (commands already queued)');
      const t1 = performance.now();
      const second = await loop.runOnce();
      const secondMs = performance.now() - t1;
      const commands = await ds.getRepository(CommandEntity).countBy({ status: 'pending' });
      const msPerAgent = firstMs / agents;
      return {
        agents,
        pools: TYPES.length * AZS.length,
        first_pass_ms: Math.round(firstMs),
        second_pass_ms: Math.round(secondMs),
        ms_per_agent: Number(msPerAgent.toFixed(2)),
        agents_per_5_min_pass: Math.floor(300_000 / msPerAgent),
        outcomes_first: first.outcomes,
        failed: first.failed + second.failed,
        pending_commands: commands,
      };
    } finally {
      await app.close();
    }
  },
};
