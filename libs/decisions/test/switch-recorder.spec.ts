import { CatalogModule } from '@spot/catalog';
import { GlobalRiskModule } from '@spot/global-risk';
import { DomainError } from '@spot/core';
import { AgentRegistry } from '@spot/identity';
import { DecisionsModule, SavingsLedger, SwitchRecorder } from '@spot/decisions';
import { AgentEntity, ClientEntity, InstanceEntity, SavingsSnapshotEntity, SwitchEntity, SystemEventEntity } from '@spot/persistence';
import { describeEachDatabase, insertClientWithAgent, LibContext, putSpotPrices, startLibContext } from '@spot/testing';

const M5_LARGE_ON_DEMAND = 0.107; // eu-west-1, resources/aws-data

describeEachDatabase('SwitchRecorder and SavingsLedger', (db) => {
  let ctx: LibContext;
  let recorder: SwitchRecorder;

  beforeAll(async () => {
    ctx = await startLibContext(db(), [CatalogModule, GlobalRiskModule, DecisionsModule]);
    recorder = ctx.app.get(SwitchRecorder);
  });
  afterAll(async () => ctx?.close());

  const onDemandAgent = async () => {
    const fixture = await insertClientWithAgent(ctx.dataSource, ctx.clock.now());
    await ctx.dataSource.getRepository(InstanceEntity).update({ id: fixture.instance.id }, { ondemandPrice: M5_LARGE_ON_DEMAND });
    return fixture;
  };
  const agentRow = (id: string) => ctx.dataSource.getRepository(AgentEntity).findOneByOrFail({ id });
  const instanceRow = (clientId: string, instanceId: string) => ctx.dataSource.getRepository(InstanceEntity).findOneByOrFail({ clientId, instanceId });
  const totalSavings = async (id: string) => (await ctx.dataSource.getRepository(ClientEntity).findOneByOrFail({ id })).totalSavings;

  it('records a switch with its timings, moves the agent to the new instance and keeps the old one as history', async () => {
    const { client, agent, instance } = await onDemandAgent();
    const initiatedAt = ctx.clock.now();
    const at = (s: number) => new Date(initiatedAt.getTime() + s * 1000);
    ctx.clock.advanceSeconds(95);
    const recorded = await recorder.record({
      clientId: client.id,
      agentId: agent.id,
      newInstanceId: 'i-0new00000000000001',
      mode: 'spot',
      poolId: 'm5.large.eu-west-1b',
      price: 0.035,
      trigger: 'automatic',
      success: true,
      initiatedAt,
      amiCreatedAt: at(40),
      instanceLaunchedAt: at(70),
      instanceReadyAt: at(90),
      oldTerminatedAt: at(95),
      downtimeMs: 4200,
    });
    expect(recorded.duplicate).toBe(false);
    expect(recorded.switch).toMatchObject({
      oldInstanceId: instance.instanceId,
      oldMode: 'on-demand',
      oldPrice: M5_LARGE_ON_DEMAND,
      newInstanceId: 'i-0new00000000000001',
      newMode: 'spot',
      newPoolId: 'm5.large.eu-west-1b',
      newPrice: 0.035,
      onDemandPrice: M5_LARGE_ON_DEMAND,
      eventTrigger: 'automatic',
    });
    expect(recorded.impact?.improvementPerHour).toBeCloseTo(M5_LARGE_ON_DEMAND - 0.035, 10);

    const stored = await ctx.dataSource.getRepository(SwitchEntity).findOneByOrFail({ id: recorded.switch.id });
    expect(stored.savingsImpact).toBeCloseTo(0.072, 6);
    expect(stored).toMatchObject({ initiatedAt, amiCreatedAt: at(40), instanceLaunchedAt: at(70), instanceReadyAt: at(90), oldTerminatedAt: at(95), downtimeMs: 4200, success: true });

    expect(await agentRow(agent.id)).toMatchObject({ instanceId: 'i-0new00000000000001', currentMode: 'spot', currentPoolId: 'm5.large.eu-west-1b', az: 'eu-west-1b', instanceType: 'm5.large' });
    expect(await instanceRow(client.id, instance.instanceId)).toMatchObject({ isActive: false, replacedAt: ctx.clock.now() });
    expect(await instanceRow(client.id, 'i-0new00000000000001')).toMatchObject({
      isActive: true,
      agentId: agent.id,
      currentMode: 'spot',
      currentPoolId: 'm5.large.eu-west-1b',
      spotPrice: 0.035,
      ondemandPrice: M5_LARGE_ON_DEMAND,
      lastSwitchAt: ctx.clock.now(),
    });
    const events = await ctx.dataSource.getRepository(SystemEventEntity).findBy({ agentId: agent.id });
    expect(events.map((e) => e.eventType).sort()).toEqual(['agent.moved', 'switch.completed']);
  });

  it('answers a repeated report with the first record and changes nothing', async () => {
    const { client, agent } = await onDemandAgent();
    const input = { clientId: client.id, agentId: agent.id, commandId: '01a00000-0000-7000-8000-000000000001', newInstanceId: 'i-0dup', mode: 'spot' as const, poolId: 'm5.large.eu-west-1c', price: 0.04, trigger: 'manual', success: true };
    const first = await recorder.record(input);
    const again = await recorder.record(input);
    expect(again).toMatchObject({ duplicate: true, switch: { id: first.switch.id } });
    expect(await ctx.dataSource.getRepository(SwitchEntity).countBy({ agentId: agent.id })).toBe(1);
  });

  it('accrues total savings from where the workload ran and at what price', async () => {
    const { client, agent } = await onDemandAgent();
    ctx.clock.set('2026-11-25T02:00:00Z');
    await recorder.record({ clientId: client.id, agentId: agent.id, newInstanceId: 'i-0spot1', mode: 'spot', poolId: 'm5.large.eu-west-1a', price: 0.035, trigger: 'automatic', success: true });
    expect(await totalSavings(client.id)).toBe(0); // on-demand so far: nothing saved yet
    ctx.clock.set('2026-11-25T12:00:00Z');
    // Back to on-demand after 10 h at $0.035 instead of $0.107.
    const back = await recorder.record({ clientId: client.id, agentId: agent.id, newInstanceId: 'i-0od1', mode: 'on-demand', instanceType: 'm5.large', az: 'eu-west-1a', trigger: 'manual', success: true });
    expect(back.switch).toMatchObject({ newPrice: M5_LARGE_ON_DEMAND, newPoolId: null, oldPrice: 0.035 });
    expect(back.totalSavings).toBeCloseTo(0.72, 4);
    const ledger = ctx.app.get(SavingsLedger);
    expect(await ledger.totalFor(client.id)).toBeCloseTo(0.72, 4);
    // The switch leaves the client row alone (issue 22): the total is derived on read, the column is the daily cache.
    expect(await totalSavings(client.id)).toBe(0);

    // The daily snapshot of 2026-11-25 counts the same hours; totals stay put when refreshed again.
    ctx.clock.set('2026-11-26T00:05:00Z');
    const { day } = await ledger.snapshotYesterdayForAll();
    expect(day).toBe('2026-11-25');
    await ledger.snapshotYesterdayForAll();
    const snapshot = await ctx.dataSource.getRepository(SavingsSnapshotEntity).findOneByOrFail({ clientId: client.id, snapshotDate: '2026-11-25' });
    expect(snapshot).toMatchObject({ switchCount: 2, interruptionCount: 0 });
    expect(snapshot.savings).toBeCloseTo(0.72, 4);
    expect(snapshot.onDemandCost).toBeCloseTo(M5_LARGE_ON_DEMAND * 24, 4); // on-demand 2 h + spot 10 h + on-demand 12 h
    expect(snapshot.instanceHours).toBeCloseTo(24, 4);
    expect(await totalSavings(client.id)).toBeCloseTo(0.72, 4);
    const overview = await ledger.overview(client.id);
    expect(overview).toMatchObject({ currentHourly: 0, projectedMonthly: 0 });
    expect((await ledger.dailySnapshots(client.id, { limit: 10, offset: 0 })).items.map((s) => s.snapshotDate)).toEqual(['2026-11-25']);
  });

  it('finds the old instance when the new one registered before the report', async () => {
    const { client, agent, instance } = await onDemandAgent();
    await ctx.app.get(AgentRegistry).register(client.id, { logicalAgentId: agent.logicalAgentId, instanceId: 'i-0early', instanceType: 'm5.large', region: 'eu-west-1', az: 'eu-west-1c', mode: 'spot' });
    const recorded = await recorder.record({ clientId: client.id, agentId: agent.id, newInstanceId: 'i-0early', mode: 'spot', poolId: 'm5.large.eu-west-1c', price: 0.036, trigger: 'automatic', success: true });
    expect(recorded.switch).toMatchObject({ oldInstanceId: instance.instanceId, oldMode: 'on-demand', oldPrice: M5_LARGE_ON_DEMAND, newInstanceId: 'i-0early', newPrice: 0.036 });
    expect(await instanceRow(client.id, 'i-0early')).toMatchObject({ isActive: true, spotPrice: 0.036, ondemandPrice: M5_LARGE_ON_DEMAND });
  });

  it("prices a spot switch from the pool's latest clean price when the agent does not say", async () => {
    const { client, agent } = await onDemandAgent();
    await putSpotPrices(ctx.dataSource, ctx.clock, [{ instanceType: 'm5.large', az: 'eu-west-1c', price: 0.0333 }]);
    const recorded = await recorder.record({ clientId: client.id, agentId: agent.id, newInstanceId: 'i-0priced', mode: 'spot', poolId: 'm5.large.eu-west-1c', trigger: 'manual', success: true });
    expect(recorded.switch).toMatchObject({ newPrice: 0.0333, oldPrice: M5_LARGE_ON_DEMAND });
    expect(recorded.switch.savingsImpact).toBeCloseTo(M5_LARGE_ON_DEMAND - 0.0333, 6);
  });

  it('records a failed switch without moving the agent', async () => {
    const { client, agent, instance } = await onDemandAgent();
    const failed = await recorder.record({ clientId: client.id, agentId: agent.id, newInstanceId: 'i-0never', mode: 'spot', poolId: 'm5.large.eu-west-1b', price: 0.03, trigger: 'automatic', success: false, errorMessage: 'InsufficientInstanceCapacity' });
    expect(failed.switch).toMatchObject({ success: false, errorMessage: 'InsufficientInstanceCapacity' });
    expect((await agentRow(agent.id)).instanceId).toBe(instance.instanceId);
  });

  it("refuses another client's agent", async () => {
    const a = await onDemandAgent();
    const b = await onDemandAgent();
    await expect(recorder.record({ clientId: b.client.id, agentId: a.agent.id, newInstanceId: 'i-x', mode: 'on-demand', trigger: 'manual', success: true })).rejects.toMatchObject({
      kind: 'not_found',
    } satisfies Partial<DomainError>);
  });
});
