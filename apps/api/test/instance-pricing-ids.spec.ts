import { ApiActor, bearer, describeEachDatabase, freshInstanceId, putSpotPrices, startTestApi, TestApi } from '@spot/testing';

/**
 * Issue 13: `/api/client/{id}/instances/{instanceId}/pricing` (and the price history next to it)
 * answer for the EC2 instance id as well as for the instance record's id; tenancy holds for both.
 */
describeEachDatabase('instance pricing by either instance id', (db) => {
  let api: TestApi;
  let alpha: { clientId: string; userToken: string; clientToken: string };
  let bravo: { clientId: string; userToken: string; clientToken: string };
  const shared = freshInstanceId();
  let alphaOnly: string;

  beforeAll(async () => {
    api = await startTestApi(db());
    const actor = new ApiActor(api);
    alpha = await actor.signup('Alpha Ids', `alpha-${Math.random().toString(36).slice(2, 8)}@ids.test`);
    bravo = await actor.signup('Bravo Ids', `bravo-${Math.random().toString(36).slice(2, 8)}@ids.test`);
    await putSpotPrices(api.dataSource, api.clock, [
      { instanceType: 'm5.large', az: 'eu-west-1a', price: 0.04 },
      { instanceType: 'm5.large', az: 'eu-west-1b', price: 0.038 },
    ]);
    alphaOnly = freshInstanceId();
    await actor.register(alpha.clientToken, { logical_agent_id: 'web', instance_id: alphaOnly, az: 'eu-west-1a', mode: 'spot' });
    // The same AWS instance id under both clients (it can happen across accounts): each sees its own.
    await actor.register(alpha.clientToken, { logical_agent_id: 'api', instance_id: shared, az: 'eu-west-1a', mode: 'spot' });
    await actor.register(bravo.clientToken, { logical_agent_id: 'db', instance_id: shared, az: 'eu-west-1b', mode: 'on-demand' });
  });
  afterAll(async () => api?.close());

  const get = (who: { clientId: string; userToken: string }, path: string) => api.http().get(`/api/client/${who.clientId}${path}`).set(bearer(who.userToken));

  it('answers the same switching panel for the EC2 instance id as for the record id', async () => {
    const list = await get(alpha, '/instances').expect(200);
    const record = list.body.items.find((i: { instance_id: string }) => i.instance_id === alphaOnly);
    const byRecord = await get(alpha, `/instances/${record.id}/pricing`).expect(200);
    const byEc2 = await get(alpha, `/instances/${alphaOnly}/pricing`).expect(200);
    expect(byEc2.body).toEqual(byRecord.body);
    expect(byEc2.body).toMatchObject({ instance_id: record.id, current_pool_id: 'm5.large.eu-west-1a' });
    const history = await get(alpha, `/instances/${alphaOnly}/price-history`).expect(200);
    expect(history.body.instance_id).toBe(record.id);
  });

  it("keeps tenancy: each client gets its own instance for a shared EC2 id, and another client's id is not found", async () => {
    expect((await get(alpha, `/instances/${shared}/pricing`).expect(200)).body.current_pool_id).toBe('m5.large.eu-west-1a');
    expect((await get(bravo, `/instances/${shared}/pricing`).expect(200)).body.current_mode).toBe('on-demand');
    const res = await get(bravo, `/instances/${alphaOnly}/pricing`).expect(404);
    expect(res.body.details.code).toBe('INSTANCE_NOT_FOUND');
    await get(bravo, `/instances/${alphaOnly}/price-history`).expect(404);
    // Bravo's user cannot use alpha's client id either.
    await api.http().get(`/api/client/${alpha.clientId}/instances/${alphaOnly}/pricing`).set(bearer(bravo.userToken)).expect(404);
    await get(alpha, '/instances/i-0123456789abcdef0/pricing').expect(404);
  });
});
