import { FixedMarket, SimulatedCloud, TraceReplayMarket } from '@spot/cloud';
import { ManualClock } from '@spot/core';
import { loadMarketModel } from '@spot/market-model';

describe('SimulatedCloud', () => {
  const setup = (seed = 1) => {
    const clock = new ManualClock('2026-11-24T12:00:00.000Z');
    const market = new FixedMarket([
      { instanceType: 'm5.large', az: 'eu-west-1a', price: 0.04, timestamp: new Date('2026-11-24T00:00:00Z') },
      { instanceType: 'm5.large', az: 'eu-west-1a', price: 0.05, timestamp: new Date('2026-11-24T13:00:00Z') },
    ]);
    const cloud = new SimulatedCloud({ clock, market, region: 'eu-west-1', seed, bootMs: 30_000, imageMs: 60_000, shutdownMs: 5_000 });
    return { clock, market, cloud, image: cloud.registerImage('base') };
  };

  it('moves instances pending → running → shutting-down → terminated on the clock; ClientToken launches once', async () => {
    const { clock, cloud, image } = setup();
    const first = await cloud.launchInstance({ instanceType: 'm5.large', az: 'eu-west-1a', mode: 'spot', imageId: image, clientToken: 'cmd-1' });
    const again = await cloud.launchInstance({ instanceType: 'm5.large', az: 'eu-west-1a', mode: 'spot', imageId: image, clientToken: 'cmd-1' });
    if (first.dryRun || again.dryRun) throw new Error('dry run');
    expect(again.value.instanceId).toBe(first.value.instanceId);
    expect(first.value).toMatchObject({ state: 'pending', mode: 'spot' });
    clock.advanceSeconds(30);
    expect((await cloud.describeInstances([first.value.instanceId]))[0].state).toBe('running');
    await cloud.terminateInstances([first.value.instanceId]);
    expect((await cloud.describeInstances([first.value.instanceId]))[0].state).toBe('shutting-down');
    clock.advanceSeconds(5);
    expect((await cloud.describeInstances([first.value.instanceId]))[0].state).toBe('terminated');
    expect(cloud.metadata(first.value.instanceId)).toBeUndefined();
    await expect(cloud.describeInstances(['i-0000000000000dead'])).rejects.toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
  });

  it('images become available after a while; snapshots go only after their image', async () => {
    const { clock, cloud, image } = setup();
    const launched = await cloud.launchInstance({ instanceType: 'm5.large', az: 'eu-west-1a', mode: 'on-demand', imageId: image, clientToken: 't' });
    if (launched.dryRun) throw new Error('dry run');
    clock.advanceSeconds(30);
    const created = await cloud.createImage({ instanceId: launched.value.instanceId, name: 'snap', tags: { owner: 'web-1' } });
    if (created.dryRun) throw new Error('dry run');
    const [pending] = await cloud.describeImages({ imageIds: [created.value.imageId] });
    expect(pending.state).toBe('pending');
    await expect(cloud.launchInstance({ instanceType: 'm5.large', az: 'eu-west-1a', mode: 'on-demand', imageId: created.value.imageId, clientToken: 'x' })).rejects.toMatchObject({ code: 'IMAGE_NOT_FOUND' });
    clock.advanceSeconds(60);
    expect((await cloud.describeImages({ tags: { owner: 'web-1' } }))[0].state).toBe('available');
    await expect(cloud.deleteSnapshot(pending.snapshotIds[0])).rejects.toMatchObject({ details: { aws_code: 'InvalidSnapshot.InUse' } });
    await cloud.deregisterImage(created.value.imageId);
    await cloud.deleteSnapshot(pending.snapshotIds[0]);
    expect(await cloud.describeImages({ tags: { owner: 'web-1' } })).toEqual([]);
  });

  it('pays the market price: a spot launch above the max price or in an untraded pool is refused the AWS way', async () => {
    const { cloud, image } = setup();
    await expect(cloud.launchInstance({ instanceType: 'm5.large', az: 'eu-west-1a', mode: 'spot', imageId: image, clientToken: 'a', maxSpotPrice: 0.03 })).rejects.toMatchObject({ code: 'SPOT_MAX_PRICE_TOO_LOW' });
    await expect(cloud.launchInstance({ instanceType: 'm5.large', az: 'eu-west-1c', mode: 'spot', imageId: image, clientToken: 'b' })).rejects.toMatchObject({ code: 'INSUFFICIENT_CAPACITY' });
    expect((await cloud.currentSpotPrices({ instanceTypes: ['m5.large'] })).map((p) => p.price)).toEqual([0.04]);
    const history = await cloud.spotPriceHistory({ instanceTypes: ['m5.large'], startTime: new Date('2026-11-24T06:00:00Z'), endTime: new Date('2026-11-24T14:00:00Z') });
    expect(history.map((p) => p.price)).toEqual([0.04, 0.05]);
  });

  it('safe mode: mutating calls change nothing and answer "would execute"', async () => {
    const { cloud, image } = setup();
    cloud.setSafeMode(true);
    expect(await cloud.launchInstance({ instanceType: 'm5.large', az: 'eu-west-1a', mode: 'on-demand', imageId: image, clientToken: 's' })).toEqual({
      dryRun: true,
      wouldExecute: `RunInstances on-demand m5.large in eu-west-1a from ${image}`,
    });
    expect(cloud.listInstances()).toEqual([]);
  });

  it('the same seed gives the same ids', async () => {
    const a = setup(9);
    const b = setup(9);
    expect(a.image).toBe(b.image);
    expect(a.image).toMatch(/^ami-00000009[0-9a-f]{9}$/);
  });
});

describe('TraceReplayMarket (the market-model lib replayed on the cloud clock)', () => {
  const model = loadMarketModel({ seed: 7 });
  const wallStart = new Date('2026-11-24T12:00:00Z');
  const market = new TraceReplayMarket(model, { traceStart: new Date('2022-01-17T00:00:00Z'), wallStart, speed: 60 });

  it('replays the real trace as a step function, an hour of trace per minute', () => {
    const at = (minutes: number) => new Date(wallStart.getTime() + minutes * 60_000);
    expect(market.spotPrice('m5.large', 'eu-west-1a', wallStart)).toBe(model.priceAt('m5.large.eu-west-1a', new Date('2022-01-17T00:00:00Z')));
    expect(market.spotPrice('m5.large', 'eu-west-1a', at(90))).toBe(model.priceAt('m5.large.eu-west-1a', new Date('2022-01-20T18:00:00Z')));
    expect(market.zonesOf('m5.large')).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    const changes = market.priceChanges('m5.large', 'eu-west-1a', wallStart, at(24 * 60));
    expect(changes[0].timestamp.getTime()).toBeLessThanOrEqual(wallStart.getTime());
    for (let i = 1; i < changes.length; i++) expect(changes[i].timestamp.getTime()).toBeGreaterThan(changes[i - 1].timestamp.getTime());
  });

  it('interruptions come from the seeded model, keep a real 2-minute notice and are the same for the same instance', () => {
    const found = [];
    for (let i = 0; i < 300 && found.length < 3; i++) {
      const instance = { instanceId: `i-${i.toString(16).padStart(17, '0')}`, instanceType: 'm5.large', az: 'eu-west-1b', launchedAt: wallStart };
      const planned = market.interruptionFor(instance);
      if (planned) {
        found.push(planned);
        expect(market.interruptionFor(instance)).toEqual(planned);
        expect(planned.actionAt.getTime()).toBeGreaterThanOrEqual(wallStart.getTime() + 120_000);
        if (planned.rebalanceAt) expect(planned.actionAt.getTime() - planned.rebalanceAt.getTime()).toBeGreaterThanOrEqual(120_000 + 60_000);
      }
    }
    expect(found.length).toBeGreaterThan(0);
  });
});
