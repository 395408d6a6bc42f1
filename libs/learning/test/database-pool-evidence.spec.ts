import { CatalogModule } from '@spot/catalog';
import { DataValveModule, MarketPrices } from '@spot/data-valve';
import { GlobalRiskModule, InterruptionHistory } from '@spot/global-risk';
import { DatabasePoolEvidence, LearnedEngine } from '@spot/learning';
import { InstanceEntity, insertRow, SpotInterruptionEventEntity } from '@spot/persistence';
import { describeEachDatabase, insertClientWithAgent, interruptionEventRow, LibContext, putSpotPrices, startLibContext } from '@spot/testing';
import { candidate, workloadInput } from './fixtures';

const POOL = 'm5.large.eu-west-1a';
const HOUR_MS = 3_600_000;

describeEachDatabase('LearnedEngine on this deployment’s interruptions (virtual clock)', (db) => {
  let ctx: LibContext;
  let evidence: DatabasePoolEvidence;

  beforeAll(async () => {
    ctx = await startLibContext(db(), [CatalogModule, GlobalRiskModule, DataValveModule]);
    evidence = new DatabasePoolEvidence(ctx.dataSource, ctx.app.get(InterruptionHistory), ctx.app.get(MarketPrices));
  });
  afterAll(async () => ctx?.close());

  let n = 0;
  const interrupt = async (clientId: string, agentId: string, instanceId: string, signalType: SpotInterruptionEventEntity['signalType'] = 'termination-notice') => {
    const now = ctx.clock.now();
    n += 1;
    await insertRow(
      ctx.dataSource.manager,
      SpotInterruptionEventEntity,
      interruptionEventRow({ id: `e0000000-0000-4000-8000-${String(n).padStart(12, '0')}`, clientId, agentId, instanceId, poolId: POOL, at: now }, { signalType }),
    );
  };

  it('moves the risk estimate with observed interruptions and hours of exposure as time passes', async () => {
    const engine = new LearnedEngine(evidence);
    const { client, agent, instance } = await insertClientWithAgent(ctx.dataSource, ctx.clock.now(), { agent: { currentMode: 'spot', currentPoolId: POOL } });
    await putSpotPrices(ctx.dataSource, ctx.clock, [{ instanceType: 'm5.large', az: 'eu-west-1a', price: 0.035 }]);
    const decide = async () => {
      const now = ctx.clock.now().toISOString();
      return engine.decide(workloadInput(now, POOL, [candidate(POOL, 0.035, now), candidate('m5.large.eu-west-1b', 0.037, now)]));
    };

    const start = await decide();
    expect(start.interruption_probability).toBeCloseTo(0.025, 3);

    // Ten quiet days in the pool: the estimate falls below the Advisor prior.
    ctx.clock.advance(240 * HOUR_MS);
    const quiet = await decide();
    expect(quiet.interruption_probability).toBeLessThan(start.interruption_probability);
    expect(quiet.confidence_score).toBeGreaterThan(start.confidence_score);
    expect((await evidence.evidence([POOL], ctx.clock.now())).get(POOL)).toMatchObject({ interruptions: 0, exposureHours: 240 });

    // The instance gets a rebalance recommendation, then the termination notice: one instance, one interruption.
    await interrupt(client.id, agent.id, instance.instanceId, 'rebalance-recommendation');
    await interrupt(client.id, agent.id, instance.instanceId);
    const once = await decide();
    expect(once.interruption_probability).toBeGreaterThan(quiet.interruption_probability * 10);
    expect(once.recommendation.reasons.join(' ')).toMatch(/1 interruption in 240 h run here/);
    await ctx.dataSource.getRepository(InstanceEntity).update({ id: instance.id }, { isActive: false, replacedAt: ctx.clock.now() });
    const replacement = await insertClientWithAgent(ctx.dataSource, ctx.clock.now(), { agent: { currentMode: 'spot', currentPoolId: POOL } });
    ctx.clock.advance(24 * HOUR_MS);
    await interrupt(replacement.client.id, replacement.agent.id, replacement.instance.instanceId);
    // The same instance reported twice counts once.
    await interrupt(replacement.client.id, replacement.agent.id, replacement.instance.instanceId, 'interruption');
    const twice = await decide();
    expect((await evidence.evidence([POOL], ctx.clock.now())).get(POOL)).toMatchObject({ interruptions: 2, exposureHours: 264 });
    expect(twice.interruption_probability).toBeGreaterThan(once.interruption_probability);
    expect(twice.recommended_action).not.toBe('SAFE');

    // Ninety days later the interruptions have left the learning window.
    ctx.clock.advance(91 * 24 * HOUR_MS);
    expect((await evidence.evidence([POOL], ctx.clock.now())).get(POOL)?.interruptions ?? 0).toBe(0);
  });
});
