import { ApiActor, bearer, describeEachDatabase, rowCounts, startTestApi, TestApi } from '@spot/testing';

describeEachDatabase('pricing: agent reports, charts, switching panel, data quality', (db) => {
  let api: TestApi;
  let admin: string;
  let alpha: { clientId: string; userToken: string; clientToken: string; agentId: string; agentToken: string; instanceId: string; awsInstanceId: string };
  let bravoInstanceId: string;

  const report = (observations: unknown[], extra: Record<string, unknown> = {}) =>
    api.http().post(`/api/agents/${alpha.agentId}/pricing-report`).set(bearer(alpha.agentToken)).send({ observations, ...extra });
  const obs = (az: string, spot_price: number, observed_at: string, instance_type = 'm5.large') => ({ instance_type, az, spot_price, observed_at });
  const asAlpha = (path: string) => api.http().get(`/api/client/${alpha.clientId}${path}`).set(bearer(alpha.userToken));

  beforeAll(async () => {
    api = await startTestApi(db());
    const actor = new ApiActor(api);
    admin = await actor.adminToken();
    const a = await actor.signup('Alpha', 'alpha@pricing.test');
    const agent = await actor.register(a.clientToken, { logical_agent_id: 'web', instance_type: 'm5.large', az: 'eu-west-1a', mode: 'spot' });
    const instances = (await api.http().get(`/api/client/${a.clientId}/instances`).set(bearer(a.userToken)).expect(200)).body.items;
    alpha = { ...a, agentId: agent.agentId, agentToken: agent.agentToken, instanceId: instances[0].id, awsInstanceId: instances[0].instance_id };
    const b = await actor.signup('Bravo', 'bravo@pricing.test');
    await actor.register(b.clientToken, { logical_agent_id: 'db' });
    bravoInstanceId = (await api.http().get(`/api/client/${b.clientId}/instances`).set(bearer(b.userToken)).expect(200)).body.items[0].id;
  });
  afterAll(async () => api?.close());

  it('accepts a report, answering counts and a reason per rejected observation', async () => {
    const res = await report([
      obs('eu-west-1a', 0.0401, '2026-11-24T11:50:10Z'),
      obs('eu-west-1b', 0.0381, '2026-11-24T11:50:10Z'),
      obs('eu-west-1c', 0.0392, '2026-11-24T11:50:10Z'),
      obs('eu-west-1a', 0.0405, '2026-11-24T11:50:10Z', 'm5a.large'),
      obs('eu-west-1a', 3, '2026-11-24T11:50:10Z'),
      { az: 'eu-west-1a', spot_price: 0.04, observed_at: '2026-11-24T11:50:10Z' },
      obs('us-east-1a', 0.04, '2026-11-24T11:50:10Z'),
    ], { instance_id: alpha.awsInstanceId }).expect(200);
    expect(res.body).toMatchObject({ reporter_role: 'primary', accepted: 4, stored: 4, duplicates: 0, rejected_count: 3, buckets_written: 4 });
    expect(res.body.rejected).toEqual([
      { index: 4, code: 'PRICE_ABOVE_LIMIT', field: 'spot_price', reason: expect.stringContaining('10x') },
      { index: 5, code: 'MISSING_FIELD', field: 'instance_type', reason: 'instance_type is required' },
      { index: 6, code: 'AZ_NOT_IN_REGION', field: 'az', reason: 'us-east-1a is not an availability zone of eu-west-1' },
    ]);
  });

  it('changes nothing on a retried identical report', async () => {
    const body = [obs('eu-west-1a', 0.0402, '2026-11-24T11:55:10Z'), obs('eu-west-1b', 0.0382, '2026-11-24T11:55:10Z')];
    await report(body).expect(200);
    const before = await rowCounts(api.dataSource, ['pricing_submissions_raw', 'pricing_snapshots_clean']);
    const retry = await report(body).expect(200);
    expect(retry.body).toMatchObject({ accepted: 2, stored: 0, duplicates: 2, buckets_written: 0 });
    expect(await rowCounts(api.dataSource, ['pricing_submissions_raw', 'pricing_snapshots_clean'])).toEqual(before);
  });

  it('refuses a malformed report as a whole: 400 naming the field, nothing stored', async () => {
    const before = await rowCounts(api.dataSource, ['pricing_submissions_raw', 'pricing_snapshots_clean', 'spot_pools']);
    for (const body of [
      { observations: [obs('eu-west-1a', 0.04, '2026-11-24T11:56:00Z', 'c5.large'), { ...obs('eu-west-1a', 0.04, '2026-11-24T11:56:00Z'), spot_price: 'cheap' }] },
      { observations: 'all of them' },
      { observations: [] },
      { observations: [obs('eu-west-1a', 0.04, '2026-11-24T11:56:00Z', 'c5.large')], role: 'primary' },
      {},
    ]) {
      const res = await api.http().post(`/api/agents/${alpha.agentId}/pricing-report`).set(bearer(alpha.agentToken)).send(body).expect(400);
      expect(res.body.details.fields.length).toBeGreaterThan(0);
    }
    const res = await report([obs('eu-west-1a', 0.04, '2026-11-24T11:56:00Z', 'c5.large'), { ...obs('eu-west-1a', 0.04, '2026-11-24T11:56:00Z'), spot_price: 'cheap' }]).expect(400);
    expect(res.body.details.fields).toEqual([{ field: 'observations.1.spot_price', problems: [expect.stringContaining('number')] }]);
    expect(await rowCounts(api.dataSource, ['pricing_submissions_raw', 'pricing_snapshots_clean', 'spot_pools'])).toEqual(before);
  });

  it('treats a report from another instance of the workload as a replica measurement', async () => {
    const res = await report([obs('eu-west-1a', 0.0402, '2026-11-24T11:55:40Z')], { instance_id: 'i-0bbbbbbbbbbbbbbb1' }).expect(200);
    expect(res.body).toMatchObject({ reporter_role: 'replica', stored: 1, buckets_written: 1 });
    const history = await asAlpha('/pools/m5.large.eu-west-1a/price-history?days=1').expect(200);
    expect(history.body.points.at(-1)).toEqual({ t: '2026-11-24T11:55:00.000Z', price: 0.0402, source: 'primary', confidence: 1 });
  });

  it('charts a pool and every candidate pool of an instance, each point with its source', async () => {
    await report([obs('eu-west-1c', 0.0395, '2026-11-24T11:35:00Z')]).expect(200); // 11:40, 11:45 missing before 11:50
    const filled = await api.http().post('/api/admin/pricing/gap-fill').set(bearer(admin)).send({ hours: 2 }).expect(200);
    expect(filled.body.filled).toEqual([
      expect.objectContaining({ pool_id: 'm5.large.eu-west-1c', gap_type: 'short', method: 'linear', buckets: 2, confidence: 0.85, price_before: 0.0395, price_after: 0.0392 }),
    ]);
    const pool = await asAlpha('/pools/m5.large.eu-west-1c/price-history').expect(200);
    expect(pool.body).toMatchObject({ pool_id: 'm5.large.eu-west-1c', instance_type: 'm5.large', az: 'eu-west-1c', to: '2026-11-24T12:00:00.000Z', from: '2026-11-17T12:00:00.000Z' });
    expect(pool.body.points.map((p: { source: string; confidence: number }) => `${p.source}:${p.confidence}`)).toEqual(['primary:1', 'interpolated:0.85', 'interpolated:0.85', 'primary:1']);
    await asAlpha('/pools/m5.large.eu-west-1z/price-history').expect(404);
    const tooLong = await asAlpha('/pools/m5.large.eu-west-1c/price-history?days=31').expect(400);
    expect(tooLong.body.details.fields[0].field).toBe('days');

    const history = await asAlpha(`/instances/${alpha.instanceId}/price-history?days=7`).expect(200);
    expect(history.body).toMatchObject({ instance_id: alpha.instanceId, current_pool_id: 'm5.large.eu-west-1a', days: 7 });
    expect(history.body.pools.map((p: { pool_id: string; same_type: boolean; is_current: boolean }) => [p.pool_id, p.same_type, p.is_current])).toEqual([
      ['m5.large.eu-west-1a', true, true],
      ['m5.large.eu-west-1b', true, false],
      ['m5.large.eu-west-1c', true, false],
      ['m5a.large.eu-west-1a', false, false],
    ]);
  });

  it('shows the switching panel: on-demand first, every candidate with its saving, cheapest and current flagged', async () => {
    const res = await asAlpha(`/instances/${alpha.instanceId}/pricing`).expect(200);
    expect(res.body).toMatchObject({ instance_id: alpha.instanceId, instance_type: 'm5.large', current_mode: 'spot', current_pool_id: 'm5.large.eu-west-1a', on_demand_price: 0.107 });
    expect(res.body.options.map((o: Record<string, unknown>) => [o.kind, o.pool_id, o.hourly_price, o.savings_percent, o.is_cheapest, o.is_current])).toEqual([
      ['on-demand', null, 0.107, 0, false, false],
      ['spot', 'm5.large.eu-west-1b', 0.0382, 64.3, true, false],
      ['spot', 'm5.large.eu-west-1c', 0.0392, 63.36, false, false],
      ['spot', 'm5.large.eu-west-1a', 0.0402, 62.43, false, true],
      ['spot', 'm5a.large.eu-west-1a', 0.0405, 62.15, false, false],
    ]);
    expect(res.body.options[1]).toMatchObject({ price_source: 'primary', confidence: 1, price_at: '2026-11-24T11:55:00.000Z', same_type: true, on_demand_price: 0.107 });
  });

  it("answers 404 for another client's instance", async () => {
    for (const path of [`/instances/${bravoInstanceId}/pricing`, `/instances/${bravoInstanceId}/price-history`]) {
      const res = await asAlpha(path).expect(404);
      expect(res.body.details.code).toBe('INSTANCE_NOT_FOUND');
    }
  });

  it('reports the share of interpolated points per day, system-wide and for a client', async () => {
    const all = await api.http().get('/api/admin/data-quality?days=7').set(bearer(admin)).expect(200);
    expect(all.body).toEqual({ days: 7, items: [{ date: '2026-11-24', total_points: 9, interpolated_points: 2, pct_interpolated: 22.22 }], held_sources: [] });
    const mine = await asAlpha('/data-quality').expect(200);
    expect(mine.body.items).toEqual([{ date: '2026-11-24', total_points: 9, interpolated_points: 2, pct_interpolated: 22.22 }]);
    await api.http().get('/api/admin/data-quality').set(bearer(alpha.userToken)).expect(403);
  });
});
