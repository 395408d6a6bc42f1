import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { defaultDataDirectory, InstanceCatalog } from '@spot/catalog';
import { CryptoIdGenerator, ManualClock } from '@spot/core';
import { SystemEventEntity, SystemEventLog } from '@spot/persistence';
import { FetchLike, RefreshSpotAdvisor, SPOT_ADVISOR_REFRESHED_EVENT, SPOT_ADVISOR_SKIPPED_EVENT, SpotAdvisorCopy } from '@spot/price-list';
import { describeEachDatabase, openMigratedDataSource } from '@spot/testing';

const shipped = JSON.parse(readFileSync(join(defaultDataDirectory(), 'spot-advisor-data.json'), 'utf8')) as { spot_advisor: Record<string, { Linux: Record<string, { s: number; r: number }> }> };
/** The shipped document with m5.large in eu-west-1 moved to bucket 4 (>20 %), so a refresh is visible. */
const refreshed = (() => {
  const doc = JSON.parse(JSON.stringify(shipped));
  doc.spot_advisor['eu-west-1'].Linux['m5.large'] = { s: 60, r: 4 };
  return JSON.stringify(doc);
})();

/** What the local server answers at each path (a real HTTP server on port 0: the injected fetch is Node's own). */
const ROUTES: Record<string, { status: number; body: string }> = {
  '/good.json': { status: 200, body: refreshed },
  '/wrong-shape.json': { status: 200, body: JSON.stringify({ instance_types: {}, ranges: 'none', spot_advisor: { 'eu-west-1': { Linux: { 'm5.large': { s: 'high', r: 9 } } } } }) },
  '/not-json.json': { status: 200, body: '<html>maintenance</html>' },
  '/error.json': { status: 503, body: 'Service Unavailable' },
};

describeEachDatabase('Spot Advisor refresh from SPOT_ADVISOR_URL', (db) => {
  let dataSource: DataSource;
  let server: Server;
  let base: string;
  let unreachable: string;
  let dir: string;
  const clock = new ManualClock('2026-11-24T12:00:00.000Z');

  beforeAll(async () => {
    dataSource = await openMigratedDataSource(db());
    server = createServer((req, res) => {
      const route = ROUTES[req.url ?? ''] ?? { status: 404, body: 'not found' };
      res.writeHead(route.status, { 'content-type': 'application/json' }).end(route.body);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // A port that was just free and is closed again: connection refused.
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    unreachable = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/spot-advisor-data.json`;
    await new Promise((resolve) => closed.close(resolve));
    dir = mkdtempSync(join(tmpdir(), 'spot-advisor-'));
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await dataSource?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const fetchViaNode: FetchLike = (url, init) => fetch(url, init);
  const events = () => new SystemEventLog(dataSource, clock, new CryptoIdGenerator(clock));
  const refresher = (catalog: InstanceCatalog, url: string) => new RefreshSpotAdvisor(catalog, events(), clock, { url, cachePath: join(dir, 'advisor.json'), fetch: fetchViaNode, timeoutMs: 10_000 });
  const eventsOf = (eventType: string) => dataSource.getRepository(SystemEventEntity).find({ where: { eventType }, order: { createdAt: 'ASC', id: 'ASC' } });

  it('uses a good document at once and keeps it on disk as the last good copy', async () => {
    const catalog = InstanceCatalog.fromDirectory();
    expect(catalog.advisorEntry('eu-west-1', 'm5.large')?.bucket).toBe(1);
    expect(await refresher(catalog, `${base}/good.json`).run()).toEqual({ status: 'refreshed', regions: Object.keys(shipped.spot_advisor).length, types: expect.any(Number) });
    expect(catalog.advisorEntry('eu-west-1', 'm5.large')).toMatchObject({ bucket: 4, label: '>20%' });
    expect(readFileSync(join(dir, 'advisor.json'), 'utf8')).toBe(refreshed);
    expect(await eventsOf(SPOT_ADVISOR_REFRESHED_EVENT)).toHaveLength(1);

    // Another process (the API) picks the copy up from disk.
    const other = InstanceCatalog.fromDirectory();
    const copy = new SpotAdvisorCopy(other, join(dir, 'advisor.json'));
    expect(copy.loadIfChanged()).toBe(true);
    expect(other.advisorEntry('eu-west-1', 'm5.large')?.bucket).toBe(4);
    expect(copy.loadIfChanged()).toBe(false); // unchanged since
  });

  it.each([
    ['a document of the wrong shape', '/wrong-shape.json', /does not have the Spot Advisor structure: instance_types: must be a non-empty object; ranges: must be a list/],
    ['a document that is not JSON', '/not-json.json', /the document is not JSON/],
    ['an HTTP error', '/error.json', /answered HTTP 503/],
  ])('skips, counts and reports %s, keeping the last good copy in use', async (_name, path, reason) => {
    clock.advanceSeconds(60); // events are read back in time order
    const catalog = InstanceCatalog.fromDirectory();
    new SpotAdvisorCopy(catalog, join(dir, 'advisor.json')).loadIfChanged();
    const before = (await eventsOf(SPOT_ADVISOR_SKIPPED_EVENT)).length;
    const outcome = await refresher(catalog, `${base}${path}`).run();
    expect(outcome).toEqual({ status: 'skipped', reason: expect.stringMatching(reason) });
    expect(catalog.advisorEntry('eu-west-1', 'm5.large')?.bucket).toBe(4); // still the last good copy
    expect(readFileSync(join(dir, 'advisor.json'), 'utf8')).toBe(refreshed); // untouched on disk
    const skipped = await eventsOf(SPOT_ADVISOR_SKIPPED_EVENT);
    expect(skipped).toHaveLength(before + 1);
    expect(skipped[skipped.length - 1]).toMatchObject({ severity: 'warning', metadata: { reason: expect.stringMatching(reason), skipped_since_success: 1 } });
  });

  it('skips an unreachable URL and counts repeated failures until the next good refresh', async () => {
    const catalog = InstanceCatalog.fromDirectory();
    const refresh = refresher(catalog, unreachable);
    clock.advanceSeconds(60);
    expect(await refresh.run()).toEqual({ status: 'skipped', reason: expect.stringMatching(/is unreachable: ECONNREFUSED/) });
    clock.advanceSeconds(60);
    expect(await refresh.run()).toMatchObject({ status: 'skipped' });
    const skipped = await eventsOf(SPOT_ADVISOR_SKIPPED_EVENT);
    expect(skipped[skipped.length - 1].metadata).toMatchObject({ skipped_since_success: 2 });
    expect(catalog.advisorEntry('eu-west-1', 'm5.large')?.bucket).toBe(1); // nothing good ever came: the shipped file serves
  });

  it('falls back to the shipped file when there is no copy, and ignores a broken copy', () => {
    const catalog = InstanceCatalog.fromDirectory();
    expect(new SpotAdvisorCopy(catalog, join(dir, 'missing.json')).loadIfChanged()).toBe(false);
    writeFileSync(join(dir, 'broken.json'), '{"instance_types": ');
    expect(new SpotAdvisorCopy(catalog, join(dir, 'broken.json')).loadIfChanged()).toBe(false);
    expect(catalog.advisorEntry('eu-west-1', 'm5.large')?.bucket).toBe(1);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]); // the copy is written through a temp file and renamed
  });
});
