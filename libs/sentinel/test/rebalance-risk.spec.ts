import { DataSource } from 'typeorm';
import { InstanceCatalog } from '@spot/catalog';
import { ManualClock } from '@spot/core';
import { MarketPrices } from '@spot/data-valve';
import { insertRow, SpotInterruptionEventEntity } from '@spot/persistence';
import { InterruptionHistory } from '@spot/global-risk';
import { REBALANCE_RISK_THRESHOLD, RebalanceRiskScorer } from '@spot/sentinel';
import { describeEachDatabase, insertClientWithAgent, interruptionEventRow, openMigratedDataSource, putSpotPrices } from '@spot/testing';

describeEachDatabase('rebalance risk (0.4 history + 0.3 age + 0.3 volatility)', (db) => {
  let dataSource: DataSource;
  let scorer: RebalanceRiskScorer;
  const now = new Date('2026-11-24T12:00:00Z');
  const clock = new ManualClock(now);
  const POOL = 'm5.large.eu-west-1a';
  const base = { region: 'eu-west-1', instanceType: 'm5.large', poolId: POOL, instanceId: 'i-00000000000000abc', now };

  beforeAll(async () => {
    dataSource = await openMigratedDataSource(db());
    scorer = new RebalanceRiskScorer(new InterruptionHistory(dataSource), new MarketPrices(dataSource), InstanceCatalog.fromDirectory());
  });
  afterAll(async () => dataSource?.destroy());

  it('is low for a new instance in a calm pool with no history: only the Spot Advisor rate counts', async () => {
    await putSpotPrices(dataSource, clock, [{ instanceType: 'm5.large', az: 'eu-west-1a', price: 0.04, minutesAgo: 60 }]);
    const risk = await scorer.assess({ ...base, launchedAt: now });
    // m5.large in eu-west-1 is Spot Advisor bucket 1 (5-10 %): 0.075 history.
    expect(risk).toEqual({ score: 0.03, history: 0.075, age: 0, volatility: 0 });
    expect(risk.score).toBeLessThanOrEqual(REBALANCE_RISK_THRESHOLD);
  });

  it('weighs instance age (full at 3 days) and price volatility (full at a 10 % coefficient of variation)', async () => {
    await putSpotPrices(dataSource, clock, [{ instanceType: 'm5.large', az: 'eu-west-1a', price: 0.05, minutesAgo: 120 }]);
    const risk = await scorer.assess({ ...base, launchedAt: new Date(now.getTime() - 36 * 3_600_000) });
    expect(risk.age).toBe(0.5);
    expect(risk.volatility).toBe(1); // 0.04 and 0.05: CV 11 %
    expect(risk.score).toBeCloseTo(0.4 * 0.075 + 0.3 * 0.5 + 0.3 * 1, 4);
  });

  it('counts other instances interrupted in the pool this week, not the instance itself', async () => {
    const { agent } = await insertClientWithAgent(dataSource, now);
    const event = (instanceId: string, daysAgo: number): SpotInterruptionEventEntity =>
      interruptionEventRow(
        { id: `e0000000-0000-4000-8000-${instanceId.slice(-12)}`, clientId: agent.clientId, agentId: agent.id, instanceId, poolId: POOL, at: new Date(now.getTime() - daysAgo * 86_400_000) },
        { dedupKey: `k-${instanceId}`, actionTime: null, responseAction: 'emergency-launch', createdAt: now, updatedAt: now },
      );
    await insertRow(dataSource.manager, SpotInterruptionEventEntity, [event('i-000000000000000a1', 1), event('i-000000000000000a2', 2), event('i-00000000000000abc', 0), event('i-000000000000000a3', 9)]);
    const risk = await scorer.assess({ ...base, launchedAt: now });
    expect(risk.history).toBeCloseTo(2 / 3 + 0.075, 4);
    const counts = await new InterruptionHistory(dataSource).countsSince([POOL, 'm5.large.eu-west-1b'], new Date(now.getTime() - 7 * 86_400_000));
    expect(counts).toEqual(new Map([[POOL, 3], ['m5.large.eu-west-1b', 0]]));
  });
});
