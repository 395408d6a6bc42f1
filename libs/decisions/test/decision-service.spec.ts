import { CatalogModule } from '@spot/catalog';
import { CandidateFeatures, DecisionEngine, DecisionInput, DecisionOutput, DecisionService, DecisionsModule, storedInputs } from '@spot/decisions';
import { GlobalRiskModule } from '@spot/global-risk';
import { AgentDecisionHistoryEntity, CommandEntity, SystemEventEntity } from '@spot/persistence';
import { describeEachDatabase, insertClientWithAgent, LibContext, putSpotPrices, startLibContext } from '@spot/testing';

/** Stands in for a plugged-in ML engine that breaks. */
class BrokenModelEngine extends DecisionEngine {
  readonly name = 'ml-broken';
  readonly version = '0.1.0';
  decide(_input: DecisionInput): DecisionOutput {
    throw new Error('model weights not loaded');
  }
}

describeEachDatabase('DecisionService', (db) => {
  let ctx: LibContext;
  let service: DecisionService;

  beforeAll(async () => {
    ctx = await startLibContext(db(), [CatalogModule, GlobalRiskModule, DecisionsModule], { overrides: [{ provide: DecisionEngine, useValue: new BrokenModelEngine() }] });
    service = ctx.app.get(DecisionService);
  });
  afterAll(async () => ctx?.close());

  it('records the rule-based fallback when the active engine fails, and still acts on it', async () => {
    const { agent } = await insertClientWithAgent(ctx.dataSource, ctx.clock.now());
    await putSpotPrices(ctx.dataSource, ctx.clock, [{ instanceType: 'm5.large', az: 'eu-west-1b', price: 0.03 }]);
    const result = await service.decide(agent.id, { act: true });
    expect(result.outcome).toBe('command-issued');
    const row = await ctx.dataSource.getRepository(AgentDecisionHistoryEntity).findOneByOrFail({ id: result.decision.id });
    expect(row).toMatchObject({
      engineName: 'rule-based',
      fallbackUsed: true,
      fallbackReason: 'ml-broken threw: model weights not loaded',
      target: 'pool',
      targetPoolId: 'm5.large.eu-west-1b',
      recommendedAction: 'SAFE',
      commandId: result.command?.id,
    });
    expect(row.reasons?.length).toBeGreaterThan(0);
    expect((row.inputs as { contract_version?: string }).contract_version).toBe('v1.0');
    const event = await ctx.dataSource.getRepository(SystemEventEntity).findOneByOrFail({ agentId: agent.id, eventType: 'decision.engine_fallback' });
    expect(event).toMatchObject({ severity: 'warning', component: 'CORE-DECIDE' });
    expect(event.metadata).toMatchObject({ decision_id: row.id, failed_engine: { name: 'ml-broken', version: '0.1.0' } });
    expect(await ctx.dataSource.getRepository(CommandEntity).countBy({ agentId: agent.id, origin: 'automatic' })).toBe(1);
  });

  it('shows the latest decision of the last loop period, and decides afresh after it', async () => {
    const { agent } = await insertClientWithAgent(ctx.dataSource, ctx.clock.now(), { agent: { autoSwitchEnabled: false } });
    const first = await service.decide(agent.id, { act: true });
    expect(first.outcome === 'recommendation-only' || first.outcome === 'no-change').toBe(true);
    ctx.clock.advanceSeconds(60);
    expect((await service.currentRecommendation(agent.id, 300_000)).decision.id).toBe(first.decision.id);
    ctx.clock.advanceSeconds(300);
    const fresh = await service.currentRecommendation(agent.id, 300_000);
    expect(fresh.decision.id).not.toBe(first.decision.id);
    expect(fresh.command).toBeNull();
    const page = await service.latestPerAgent(agent.clientId, { limit: 10, offset: 0 });
    expect(page.items.map((i) => i.decision?.id)).toEqual([fresh.decision.id]);
  });

  it('refuses to decide for an agent that has not said where it runs', async () => {
    const { agent } = await insertClientWithAgent(ctx.dataSource, ctx.clock.now(), { agent: { instanceType: null, az: null } });
    await expect(service.decide(agent.id, { act: true })).rejects.toMatchObject({ kind: 'conflict', code: 'AGENT_NOT_PLACED' });
  });
});

describe('storedInputs', () => {
  const candidate = (i: number, overrides: Partial<CandidateFeatures> = {}): CandidateFeatures => ({
    pool_id: `m5.large.eu-west-1-pool${i}a`,
    instance_type: 'm5.large',
    availability_zone: `eu-west-1-pool${i}a`,
    same_type: true,
    vcpu: 2,
    memory_gib: 8,
    spot_price: 0.01 + i / 10_000,
    price_at: '2026-11-24T12:00:00.000Z',
    price_confidence: 1,
    on_demand_price: 0.107,
    advisor_bucket: 1,
    advisor_interruption_rate: 0.075,
    volatility: 0.01,
    price_samples: 288,
    interruptions_7d: 0,
    flagged: false,
    ...overrides,
  });
  const input = (candidates: CandidateFeatures[]): DecisionInput => ({
    contract_version: 'v1.0',
    features: { instance_type: 'm5.large', availability_zone: 'eu-west-1a', spot_price_history: [], hour_of_day: 12, day_of_week: 2 },
    workload: { agent_id: 'a', region: 'eu-west-1', instance_type: 'm5.large', availability_zone: 'eu-west-1a', mode: 'spot', pool_id: 'm5.large.eu-west-1-pool299a', vcpu: 2, memory_gib: 8, current_price_per_h: 0.04, on_demand_price_per_h: 0.107 },
    candidates,
    last_switch_at: null,
    now: '2026-11-24T12:00:00.000Z',
  });

  it('keeps small inputs as they are', () => {
    const small = input([candidate(1)]);
    expect(storedInputs(small, null)).toBe(small);
  });

  it('fits a workload with hundreds of pools into the column, keeping the pools the decision involved', () => {
    const many = Array.from({ length: 400 }, (_, i) => candidate(i, { flagged: i === 350 }));
    const stored = storedInputs(input(many), 'm5.large.eu-west-1-pool390a') as { candidates: CandidateFeatures[]; candidates_total: number; candidates_truncated: boolean };
    expect(JSON.stringify(stored).length).toBeLessThanOrEqual(60_000);
    expect(stored).toMatchObject({ candidates_total: 400, candidates_truncated: true });
    const ids = stored.candidates.map((c) => c.pool_id);
    expect(ids).toEqual(expect.arrayContaining(['m5.large.eu-west-1-pool390a', 'm5.large.eu-west-1-pool299a', 'm5.large.eu-west-1-pool350a', 'm5.large.eu-west-1-pool0a']));
  });
});
