import { once } from 'node:events';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RefreshOnDemandPrices } from '@spot/price-list';
import { ApiActor, describeEachDatabase, startTestApi, TestApi } from '@spot/testing';

/**
 * A stand-in Price List endpoint (AWS_ENDPOINT_URL_PRICING) that refuses every call the way AWS
 * does for credentials without pricing:GetProducts: HTTP 400 with an awsJson1_1
 * AccessDeniedException. The real SDK client and adapter talk to it over HTTP.
 */
describeEachDatabase('/health pricing section and the admin on-demand price report', (db) => {
  let api: TestApi;
  let endpoint: Server;
  const targets: string[] = [];
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  beforeAll(async () => {
    endpoint = createServer((req: IncomingMessage, res) => {
      targets.push(String(req.headers['x-amz-target']));
      req.resume();
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'AccessDeniedException' });
        res.end(JSON.stringify({ __type: 'AccessDeniedException', Message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: pricing:GetProducts' }));
      });
    });
    endpoint.listen(0, '127.0.0.1');
    await once(endpoint, 'listening');
    // Credentials the SDK's default chain finds (environment): refused by the endpoint, as an under-privileged key would be.
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'example-secret';
    api = await startTestApi(db(), {
      env: {
        AWS_ENDPOINT_URL_PRICING: `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`,
        PRICE_LIST_REGIONS: 'us-east-1',
        SPOT_ADVISOR_CACHE_PATH: join(tmpdir(), `spot-advisor-none-${process.pid}.json`),
      },
    });
  });
  afterAll(async () => {
    await api?.close();
    await new Promise((resolve) => endpoint?.close(resolve));
    process.env.AWS_ACCESS_KEY_ID = saved.id;
    process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
  });

  it('says the shipped file serves, and why, when the Price List API refuses the credentials', async () => {
    const outcome = await api.app.get(RefreshOnDemandPrices).run(); // what the scheduler's daily job runs
    expect(targets).toEqual(['AWSPriceListService.GetProducts']); // refused once, not retried
    expect(outcome).toMatchObject({ source: 'shipped-file', regionsRefreshed: [], fallbackReason: expect.stringContaining('AccessDeniedException') });

    const res = await api.http().get('/health').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.pricing.on_demand).toEqual({
      source: 'shipped-file',
      last_refresh_at: '2026-11-24T12:00:00.000Z',
      // Public: no AWS error text (it names the account and role); the reason is on the admin route.
      last_refresh_message: expect.stringContaining('/api/admin/data-quality/on-demand-prices'),
      fallback_reason: expect.stringContaining('the shipped on-demand file serves'),
      skipped_entries: 0,
      regions: [{ region: 'eu-west-1', types: expect.any(Number), source: 'shipped-file', fetched_at: null }],
    });
    expect(res.body.pricing.spot_advisor).toEqual({ source: 'shipped-file', last_refresh_at: null, skipped_since_refresh: 0, last_skip_reason: null });
  });

  it('lists region and type pairs of online agents without an on-demand price on the admin data-quality API', async () => {
    const actor = new ApiActor(api);
    const admin = await actor.adminToken();
    const client = await actor.createClient(admin, { name: 'Two Regions Ltd', max_agents: 5 });
    await actor.register(client.clientToken, { logical_agent_id: 'hyderabad-1', instance_type: 'm7i.large', region: 'ap-south-2', az: 'ap-south-2a' });
    await actor.register(client.clientToken, { logical_agent_id: 'dublin-1', instance_type: 'm5.large', region: 'eu-west-1', az: 'eu-west-1a' });
    const res = await api.http().get('/api/admin/data-quality/on-demand-prices').set({ Authorization: `Bearer ${admin}` }).expect(200);
    expect(res.body.missing).toEqual([{ region: 'ap-south-2', instance_type: 'm7i.large', agents: 1, reason: 'no on-demand price for m7i.large in ap-south-2' }]);
    expect(res.body.on_demand.source).toBe('shipped-file');
    expect(res.body.on_demand.fallback_reason).toContain('pricing:GetProducts'); // the reason in full, for super-admins only
    await api.http().get('/api/admin/data-quality/on-demand-prices').set({ Authorization: `Bearer ${client.clientToken}` }).expect(401); // admin routes take user JWTs of super-admins only
  });
});
