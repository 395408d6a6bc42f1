import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetProductsCommand, GetProductsCommandInput, PricingClient, AccessDeniedException } from '@aws-sdk/client-pricing';
import { INestApplicationContext } from '@nestjs/common';
import { mockClient } from 'aws-sdk-client-mock';
import { DataSource } from 'typeorm';
import { InstanceCatalog } from '@spot/catalog';
import { ManualClock } from '@spot/core';
import { AgentDecisionHistoryEntity, CommandEntity, OnDemandPriceEntity } from '@spot/persistence';
import { PricingStatus } from '@spot/price-list';
import { describeEachDatabase, insertClientWithAgent, putSpotPrices, startTestScheduler } from '@spot/testing';
import { computeInstanceItem, AP_SOUTHEAST_2, US_EAST_1 } from '../../../libs/price-list/test/get-products-fixtures';
import { JobOutcome } from '../src/job-runner';
import { DecisionLoopJob } from '../src/jobs/decision-loop.job';
import { OnDemandPriceRefreshJob, SpotAdvisorRefreshJob } from '../src/jobs/price-list.jobs';
import { SCHEDULED_JOBS } from '../src/scheduler.module';

// The Price List API cannot run here (moto does not implement it): the real adapter's
// PricingClient is fed by aws-sdk-client-mock with answers shaped like AWS's GetProducts output.
const pricing = mockClient(PricingClient);
const PAGES: Record<string, string[][]> = {
  'us-east-1': [US_EAST_1.slice(0, 3).map(computeInstanceItem), US_EAST_1.slice(3).map(computeInstanceItem)],
  'ap-southeast-2': [AP_SOUTHEAST_2.map(computeInstanceItem)],
};
function answerFromPages(input: GetProductsCommandInput) {
  const region = input.Filters?.find((f) => f.Field === 'regionCode')?.Value ?? '';
  const pages = PAGES[region] ?? [[]];
  const page = input.NextToken ? Number(input.NextToken.split(':')[1]) : 0;
  return { FormatVersion: 'aws_v1', PriceList: pages[page], ...(page + 1 < pages.length ? { NextToken: `token:${page + 1}` } : {}) };
}

describeEachDatabase('on-demand prices of every region from the Price List API', (db) => {
  let app: INestApplicationContext;
  let dataSource: DataSource;
  let dir: string;
  const clock = new ManualClock('2026-11-24T12:00:00.000Z');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spot-price-list-'));
    pricing.reset();
    pricing.on(GetProductsCommand).callsFake(answerFromPages);
    app = await startTestScheduler(db(), clock, undefined, {
      PRICE_LIST_REGIONS: 'us-east-1,ap-southeast-2',
      SPOT_ADVISOR_URL: 'http://127.0.0.1:9/unused.json',
      SPOT_ADVISOR_CACHE_PATH: join(dir, 'spot-advisor-data.json'),
    });
    dataSource = app.get(DataSource);
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('schedules the daily on-demand refresh and the 6-hourly Spot Advisor refresh', () => {
    expect(SCHEDULED_JOBS.map((job) => job.NAME)).toEqual(expect.arrayContaining([OnDemandPriceRefreshJob.NAME, SpotAdvisorRefreshJob.NAME]));
  });

  it('before the refresh, an agent in us-east-1 gets a decision that says the price is missing, and the admin report lists it', async () => {
    const { agent } = await insertClientWithAgent(dataSource, clock.now(), { agent: { region: 'us-east-1', az: 'us-east-1a' } });
    await putSpotPrices(dataSource, clock, [{ instanceType: 'm5.large', az: 'us-east-1b', price: 0.03 }]);
    await app.get(DecisionLoopJob).run();
    const decision = await dataSource.getRepository(AgentDecisionHistoryEntity).findOneByOrFail({ agentId: agent.id });
    expect(decision.target).toBe('stay');
    expect(decision.reasons).toEqual(expect.arrayContaining([expect.stringContaining('no on-demand price for m5.large in us-east-1')]));
    expect(await app.get(PricingStatus).missingOnDemandPrices()).toEqual(
      expect.arrayContaining([{ region: 'us-east-1', instanceType: 'm5.large', agents: expect.any(Number), reason: 'no on-demand price for m5.large in us-east-1' }]),
    );
    await dataSource.getRepository(AgentDecisionHistoryEntity).delete({ agentId: agent.id });
    await dataSource.getRepository(CommandEntity).delete({ agentId: agent.id });
    await dataSource.query(`UPDATE agents SET status = 'offline' WHERE id = ?`, [agent.id]);
  });

  it('stores the prices of both regions with their source, and agents there get switch decisions that name it', async () => {
    clock.advanceSeconds(300); // the next decision-loop period (apps/scheduler/src/job-periods.ts), past the 60-second market cache
    const outcome = await app.get(OnDemandPriceRefreshJob).tick(); // never ran: due at once
    expect(await app.get(OnDemandPriceRefreshJob).tick()).toBeNull(); // and then not for a day
    expect(outcome).toEqual({ status: 'completed', summary: '8 prices in 2 regions from the Price List API; 0 regions failed, 0 entries skipped' });
    const rows = await dataSource.getRepository(OnDemandPriceEntity).find({ order: { region: 'ASC', instanceType: 'ASC' } });
    expect(rows).toHaveLength(8);
    expect(rows[0]).toEqual({ region: 'ap-southeast-2', instanceType: 'm5.large', operatingSystem: 'Linux', pricePerHour: 0.12, source: 'aws-price-list', fetchedAt: clock.now() });
    // us-east-1 came in two pages: the second was asked for with the first one's NextToken.
    const usCalls = pricing.commandCalls(GetProductsCommand).filter((c) => c.args[0].input.Filters?.some((f) => f.Value === 'us-east-1'));
    expect(usCalls.map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'token:1']);
    const catalog = app.get(InstanceCatalog);
    expect(catalog.onDemandQuote('us-east-1', 'm5.large')).toEqual({ pricePerHour: 0.096, source: 'aws-price-list', fetchedAt: clock.now() });
    expect(catalog.onDemandQuote('eu-west-1', 'm5.large')).toEqual({ pricePerHour: 0.107, source: 'shipped-file', fetchedAt: null }); // the file still serves its region

    const east = await insertClientWithAgent(dataSource, clock.now(), { agent: { region: 'us-east-1', az: 'us-east-1a' } });
    const sydney = await insertClientWithAgent(dataSource, clock.now(), { agent: { region: 'ap-southeast-2', az: 'ap-southeast-2a' } });
    await putSpotPrices(dataSource, clock, [
      { instanceType: 'm5.large', az: 'us-east-1b', price: 0.03 },
      { instanceType: 'm5.large', az: 'ap-southeast-2b', price: 0.035 },
    ]);
    const loop = await app.get(DecisionLoopJob).run();
    expect(loop.status).toBe('completed');
    for (const { agent, region, pool } of [
      { agent: east.agent, region: 'us-east-1', pool: 'm5.large.us-east-1b' },
      { agent: sydney.agent, region: 'ap-southeast-2', pool: 'm5.large.ap-southeast-2b' },
    ]) {
      const decision = await dataSource.getRepository(AgentDecisionHistoryEntity).findOneByOrFail({ agentId: agent.id });
      expect(decision.target).toBe('pool');
      expect(decision.targetPoolId).toBe(pool);
      expect(decision.reasons).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^on-demand price of m5\\.large in ${region}: \\$0\\.\\d{4}/h from aws-price-list \\(fetched 2026-11-24\\)$`))]));
      expect(await dataSource.getRepository(CommandEntity).countBy({ agentId: agent.id, origin: 'automatic', status: 'pending' })).toBe(1);
    }
    expect(await app.get(PricingStatus).missingOnDemandPrices()).toEqual([]);
  });

  it('keeps the stored prices and says why when access is then denied', async () => {
    pricing.reset();
    pricing.on(GetProductsCommand).rejects(new AccessDeniedException({ message: 'not authorized to perform: pricing:GetProducts', $metadata: { httpStatusCode: 400 } }));
    clock.advanceSeconds(86_400);
    const outcome = (await app.get(OnDemandPriceRefreshJob).tick()) as JobOutcome;
    expect(outcome.status).toBe('completed');
    expect(outcome.status === 'completed' && outcome.summary).toMatch(/^shipped file in use: Price List API refused the request \(AccessDeniedException\)/);
    expect(await dataSource.getRepository(OnDemandPriceEntity).count()).toBe(8);
    const report = await app.get(PricingStatus).report();
    expect(report.onDemand.fallbackReason).toContain('pricing:GetProducts');
    expect(report.onDemand.regions.find((r) => r.region === 'us-east-1')).toMatchObject({ source: 'aws-price-list', types: 5 });
    expect(report.onDemand.regions.find((r) => r.region === 'eu-west-1')).toMatchObject({ source: 'shipped-file', fetchedAt: null });
    expect(report.onDemand.source).toBe('mixed');
    clock.advanceSeconds(5 * 3600);
    expect(await app.get(OnDemandPriceRefreshJob).tick()).toBeNull();
    clock.advanceSeconds(3600); // a refused run is tried again after 6 hours
    expect(await app.get(OnDemandPriceRefreshJob).tick()).toMatchObject({ status: 'completed' });
  });
});
