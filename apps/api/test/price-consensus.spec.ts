import { DecisionLoop } from '@spot/decisions';
import { PricingHeldObservationEntity, PricingSubmissionRawEntity } from '@spot/persistence';
import { ApiActor, bearer, describeEachDatabase, startTestApi, TestApi } from '@spot/testing';

type Tenant = { clientId: string; userToken: string; clientToken: string; agentId: string; agentToken: string; instanceRecordId: string };

const MINUTE = 60_000;

/**
 * DESIGN.md §9, "shared data is a consensus, never the last writer" (issue 23 item 3), through
 * HTTP: every tenant's agents feed one series per pool, and one tenant's unconfirmed outlier
 * never reaches another tenant's history, current prices, switching panel or decisions.
 */
describeEachDatabase('price consensus: no tenant can poison the shared spot series', (db) => {
  let api: TestApi;
  let actor: ApiActor;
  let admin: string;
  let victim: Tenant;
  let hostile: Tenant;
  let third: Tenant;

  const http = () => api.http();
  const at = (minutesAgo: number) => new Date(api.clock.nowMs() - minutesAgo * MINUTE).toISOString();
  const obs = (instance_type: string, az: string, spot_price: number, observed_at: string) => ({ instance_type, az, spot_price, observed_at });
  const report = (who: Tenant, observations: unknown[]) =>
    http().post(`/api/agents/${who.agentId}/pricing-report`).set(bearer(who.agentToken)).send({ observations }).expect(200);
  const history = async (who: Tenant, poolId: string) =>
    (await http().get(`/api/client/${who.clientId}/pools/${poolId}/price-history?days=1`).set(bearer(who.userToken)).expect(200)).body.points as Array<{
      t: string;
      price: number;
      source: string;
      confidence: number;
    }>;
  const panel = async (who: Tenant) =>
    (await http().get(`/api/client/${who.clientId}/instances/${who.instanceRecordId}/pricing`).set(bearer(who.userToken)).expect(200)).body.options as Array<{
      pool_id: string | null;
      hourly_price: number | null;
    }>;
  const priceIn = (options: Array<{ pool_id: string | null; hourly_price: number | null }>, poolId: string) => options.find((o) => o.pool_id === poolId)?.hourly_price;

  async function tenant(name: string, mode: 'spot' | 'on-demand'): Promise<Tenant> {
    const t = await actor.signup(name, `${name.toLowerCase()}@consensus.test`);
    const agent = await actor.register(t.clientToken, { logical_agent_id: 'web', instance_type: 'm5.large', az: 'eu-west-1a', mode });
    const instances = (await http().get(`/api/client/${t.clientId}/instances`).set(bearer(t.userToken)).expect(200)).body.items;
    return { ...t, agentId: agent.agentId, agentToken: agent.agentToken, instanceRecordId: instances[0].id };
  }

  beforeAll(async () => {
    api = await startTestApi(db());
    actor = new ApiActor(api);
    admin = await actor.adminToken();
    victim = await tenant('Victim', 'on-demand');
    hostile = await tenant('Hostile', 'spot');
    third = await tenant('Third', 'spot');
  });
  afterAll(async () => api?.close());

  it("keeps a hostile client's 30x price out of another client's history, current prices, switching panel and decisions", async () => {
    // The victim's market, as its agent sees it (the cheapest pool that fits an m5.large is m5a.large in eu-west-1b).
    const market = (observedAt: string) => [
      obs('m5.large', 'eu-west-1a', 0.045, observedAt),
      obs('m5.large', 'eu-west-1b', 0.041, observedAt),
      obs('m5a.large', 'eu-west-1b', 0.03, observedAt),
    ];
    await report(victim, market(at(12)));
    await report(victim, market(at(7)));
    expect(priceIn(await panel(victim), 'm5a.large.eu-west-1b')).toBe(0.03); // now in the latest-price cache

    // The hostile agent reports 30x for the same buckets and for the newest one, before the victim does.
    const poisoned = (observedAt: string) => [obs('m5a.large', 'eu-west-1b', 0.9, observedAt)];
    for (const minutesAgo of [11, 6, 1]) {
      const res = await report(hostile, poisoned(at(minutesAgo)));
      expect(res.body).toMatchObject({ accepted: 1, stored: 1, held: 1, buckets_written: 0 });
    }
    await report(victim, market(at(1)));

    // History, current price and switching panel: only the victim's 0.03.
    const points = await history(victim, 'm5a.large.eu-west-1b');
    expect(points.map((p) => p.price)).toEqual([0.03, 0.03, 0.03]);
    expect(priceIn(await panel(victim), 'm5a.large.eu-west-1b')).toBe(0.03);
    // The same for any other client reading the shared series.
    expect((await history(third, 'm5a.large.eu-west-1b')).map((p) => p.price)).toEqual([0.03, 0.03, 0.03]);

    // The raw trail keeps the hostile observations, flagged; nothing of them is merged.
    const raw = await api.dataSource.getRepository(PricingSubmissionRawEntity).find({ where: { clientId: hostile.clientId } });
    expect(raw.map((r) => [r.spotPrice, r.consensusStatus, r.agentId, r.reporterRole])).toEqual(Array(3).fill([0.9, 'held', hostile.agentId, 'primary']));
    const held = await api.dataSource.getRepository(PricingHeldObservationEntity).find({ where: { clientId: hostile.clientId }, order: { bucketStart: 'ASC' } });
    expect(held.map((h) => [h.spotPrice, h.referencePrice, h.reason, h.confirmedAt])).toEqual([
      [0.9, 0.03, 'far_from_consensus', null], // the victim had reported these buckets
      [0.9, 0.03, 'far_from_consensus', null],
      [0.9, 0.03, 'jump', null], // the newest bucket, before the victim: a jump from the previous clean value, and the pool has another client
    ]);

    // The victim's decision rests on 0.03 and picks m5a.large in eu-west-1b.
    await api.app.get(DecisionLoop).runOnce();
    const decisions = await http().get(`/api/client/${victim.clientId}/agents/decisions`).set(bearer(victim.userToken)).expect(200);
    const mine = decisions.body.items.find((i: { agent_id: string }) => i.agent_id === victim.agentId);
    expect(mine.decision.recommendation).toMatchObject({ target: 'pool', pool_id: 'm5a.large.eu-west-1b' });
    const commands = await http().get(`/api/agents/${victim.agentId}/pending-commands`).set(bearer(victim.agentToken)).expect(200);
    expect(commands.body.commands[0].payload).toMatchObject({ pool_id: 'm5a.large.eu-west-1b', expected_price_per_h: 0.03 });

    // The admin data-quality page names the client that keeps being held.
    const quality = await http().get('/api/admin/data-quality').set(bearer(admin)).expect(200);
    expect(quality.body.held_sources).toEqual([
      expect.objectContaining({
        client_id: hostile.clientId,
        client_name: 'Hostile',
        held_count: 3,
        confirmed_count: 0,
        pools: 1,
        latest: expect.objectContaining({ pool_id: 'm5a.large.eu-west-1b', spot_price: 0.9, reference_price: 0.03 }),
      }),
    ]);
  });

  it('merges a genuine move once a second client reports it', async () => {
    const pool = 'c5.large.eu-west-1c';
    for (const minutesAgo of [22, 17]) {
      await report(victim, [obs('c5.large', 'eu-west-1c', 0.034, at(minutesAgo))]);
      await report(third, [obs('c5.large', 'eu-west-1c', 0.0342, at(minutesAgo))]);
    }
    expect((await history(victim, pool)).map((p) => [p.price, p.source])).toEqual([
      [0.0341, 'consensus'],
      [0.0341, 'consensus'],
    ]);
    // The market moves +47 %: the first client to see it is held (a jump no second source confirms yet)…
    const first = await report(victim, [obs('c5.large', 'eu-west-1c', 0.05, at(12))]);
    expect(first.body).toMatchObject({ held: 1, buckets_written: 0 });
    expect((await history(third, pool)).map((p) => p.price)).toEqual([0.0341, 0.0341]);
    // …and merges when the second client reports it too.
    const second = await report(third, [obs('c5.large', 'eu-west-1c', 0.0502, at(12))]);
    expect(second.body).toMatchObject({ held: 0, buckets_written: 1 });
    expect((await history(victim, pool)).at(-1)).toMatchObject({ price: 0.0501, source: 'consensus', confidence: 1 });
    const confirmed = await api.dataSource.getRepository(PricingHeldObservationEntity).findOneBy({ clientId: victim.clientId, poolId: pool });
    expect(confirmed).toMatchObject({ confirmedBy: 'client', spotPrice: 0.05 });
    expect(confirmed?.confirmedAt).not.toBeNull();
    // The victim's raw observation stays flagged as held when it arrived: the audit trail records what happened.
    const raw = await api.dataSource.getRepository(PricingSubmissionRawEntity).findOneBy({ clientId: victim.clientId, poolId: pool, spotPrice: 0.05 });
    expect(raw?.consensusStatus).toBe('held');
  });

  it("caps a single-client pool's unconfirmed jump at the threshold, flagged and at lower confidence", async () => {
    const pool = 'r5.large.eu-west-1c';
    await report(third, [obs('r5.large', 'eu-west-1c', 0.04, at(25))]);
    // Only this client reports the pool: its prices are taken as they come…
    await report(third, [obs('r5.large', 'eu-west-1c', 0.042, at(20))]);
    // …but a doubling with no second source is capped at +25 % of the previous value.
    const jump = await report(third, [obs('r5.large', 'eu-west-1c', 0.084, at(15))]);
    expect(jump.body).toMatchObject({ held: 1, buckets_written: 1 });
    const points = await history(victim, pool);
    expect(points.map((p) => [p.price, p.confidence])).toEqual([
      [0.04, 1],
      [0.042, 1],
      [0.0525, 0.5],
    ]);
    const held = await api.dataSource.getRepository(PricingHeldObservationEntity).findOneBy({ clientId: third.clientId, poolId: pool });
    expect(held).toMatchObject({ reason: 'jump', spotPrice: 0.084, referencePrice: 0.042, confirmedAt: null });
  });
});
