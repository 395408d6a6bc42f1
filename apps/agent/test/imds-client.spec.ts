import { FixedMarket, ImdsServer, SimulatedCloud } from '@spot/cloud';
import { ManualClock } from '@spot/core';
import { ImdsClient, ImdsInstanceIdentitySource } from '../src';

describe('IMDSv2 client against the IMDS test server', () => {
  const clock = new ManualClock('2026-11-24T12:00:00.000Z');
  const market = new FixedMarket([{ instanceType: 'm5.large', az: 'eu-west-1b', price: 0.04, timestamp: new Date('2026-11-24T00:00:00Z') }]);
  const cloud = new SimulatedCloud({ clock, market, region: 'eu-west-1', seed: 7, bootMs: 0 });
  const imds = new ImdsServer((id) => cloud.metadata(id), clock);
  let instanceId: string;
  let client: ImdsClient;

  beforeAll(async () => {
    await imds.start();
    const image = cloud.registerImage('base');
    const launched = await cloud.launchInstance({ instanceType: 'm5.large', az: 'eu-west-1b', mode: 'spot', imageId: image, clientToken: 'boot', userData: 'SPOT_REPLICA_ID=0190f5a4-0000-7000-8000-000000000001\n' });
    if (launched.dryRun) throw new Error('dry run');
    instanceId = launched.value.instanceId;
    client = ImdsClient.fromEnvironment({ AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.endpointFor(instanceId) }, clock);
  });
  afterAll(() => imds.stop());

  it('fetches a session token once and sends it with every GET', async () => {
    imds.requests.length = 0;
    const doc = await client.identityDocument();
    expect(doc).toEqual({ instanceId, instanceType: 'm5.large', region: 'eu-west-1', availabilityZone: 'eu-west-1b', accountId: '123456789012', imageId: expect.stringMatching(/^ami-/) });
    expect(await client.lifeCycle()).toBe('spot');
    expect(await client.userData()).toContain('SPOT_REPLICA_ID=');
    expect(imds.requests).toEqual([
      'PUT /latest/api/token 200',
      'GET /latest/dynamic/instance-identity/document 200',
      'GET /latest/meta-data/instance-life-cycle 200',
      'GET /latest/user-data 200',
    ]);
  });

  it('404 on the notice paths is the normal "nothing pending"', async () => {
    expect(await client.instanceAction()).toBeUndefined();
    expect(await client.rebalanceRecommendation()).toBeUndefined();
    expect(imds.requests.slice(-2)).toEqual(['GET /latest/meta-data/spot/instance-action 404', 'GET /latest/meta-data/events/recommendations/rebalance 404']);
  });

  it('on 401 (token expired) fetches a new token and retries', async () => {
    imds.expireTokens();
    imds.requests.length = 0;
    expect((await client.identityDocument()).instanceId).toBe(instanceId);
    expect(imds.requests).toEqual(['GET /latest/dynamic/instance-identity/document 401', 'PUT /latest/api/token 200', 'GET /latest/dynamic/instance-identity/document 200']);
  });

  it('renews the token before its TTL runs out', async () => {
    imds.requests.length = 0;
    clock.advanceSeconds(6 * 3600);
    await client.lifeCycle();
    expect(imds.requests[0]).toBe('PUT /latest/api/token 200');
  });

  it('reads a rebalance recommendation, then the 2-minute instance-action, in the IMDS formats', async () => {
    const now = clock.nowMs();
    cloud.scheduleInterruption(instanceId, { rebalanceAt: new Date(now + 60_000), actionAt: new Date(now + 10 * 60_000) });
    clock.advanceSeconds(60);
    const rebalance = await client.rebalanceRecommendation();
    expect(rebalance?.noticeTime).toEqual(new Date(now + 60_000));
    expect(await client.instanceAction()).toBeUndefined();
    clock.advanceSeconds(7 * 60); // 2 minutes before the action
    expect(await client.instanceAction()).toEqual({ action: 'terminate', time: new Date(now + 10 * 60_000) });

    const raw = await fetch(`${imds.endpointFor(instanceId)}/latest/meta-data/spot/instance-action`, {
      headers: { 'X-aws-ec2-metadata-token': await (await fetch(`${imds.endpointFor(instanceId)}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '60' } })).text() },
    });
    expect(JSON.parse(await raw.text())).toEqual({ action: 'terminate', time: new Date(now + 10 * 60_000).toISOString().replace('.000Z', 'Z') });
  });

  it('refuses a token request without a valid TTL and a GET without a token', async () => {
    const base = imds.endpointFor(instanceId);
    expect((await fetch(`${base}/latest/api/token`, { method: 'PUT' })).status).toBe(400);
    expect((await fetch(`${base}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '21601' } })).status).toBe(400);
    expect((await fetch(`${base}/latest/meta-data/instance-life-cycle`)).status).toBe(401);
  });

  it('identity source: the instance as IMDS describes it', async () => {
    expect(await new ImdsInstanceIdentitySource(client).read()).toMatchObject({ instanceId, instanceType: 'm5.large', region: 'eu-west-1', az: 'eu-west-1b', mode: 'spot' });
  });
});
