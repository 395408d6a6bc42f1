import { InMemoryCacheFactory, InMemoryRateLimiter, InProcessSignalBus, ManualClock } from '@spot/core';
import { RedisCacheFactory, RedisConnection, RedisRateLimiter, RedisSignalBus } from '@spot/redis';
import { describeWithRedis, expectSharedAllowance, expectSlidingWindow, testRedisUrl, uniqueRedisPrefix } from '@spot/testing';

/**
 * The Redis adapters behind the core ports (issue 15) on the real Redis of REDIS_URL: the limiter
 * has the same sliding-window semantics as DatabaseRateLimiter (its spec, same figures), the cache
 * and the bus are shared by two connections standing for two processes.
 */
describeWithRedis('Redis adapters', () => {
  const clock = new ManualClock('2026-11-24T12:00:00.000Z');
  const connections: RedisConnection[] = [];
  const connect = async (prefix: string) => {
    const connection = new RedisConnection({ url: testRedisUrl(), keyPrefix: prefix });
    connections.push(connection);
    await connection.whenReady();
    return connection;
  };

  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
  });

  it('rate limiter: `limit` hits per sliding window, retry time, peek and reset', async () => {
    const redis = await connect(uniqueRedisPrefix('limiter'));
    const fallback = new InMemoryRateLimiter(clock);
    const limiter = new RedisRateLimiter(redis, clock, fallback);
    await expectSlidingWindow(limiter, clock);
    // Nothing was counted in the fallback while Redis answered.
    expect(await fallback.peek('other', 3, 60_000)).toEqual({ allowed: true, remaining: 3, retryAfterMs: 0 });
  });

  it('rate limiter: two processes hitting at once share one allowance (10 in all, not 20)', async () => {
    const prefix = uniqueRedisPrefix('limiter-shared');
    const a = new RedisRateLimiter(await connect(prefix), clock, new InMemoryRateLimiter(clock));
    const b = new RedisRateLimiter(await connect(prefix), clock, new InMemoryRateLimiter(clock));
    await expectSharedAllowance(a, b);
  });

  it('cache: one namespace seen by both processes, with TTL, counters, keys and delete', async () => {
    const prefix = uniqueRedisPrefix('cache');
    const one = new RedisCacheFactory(await connect(prefix), new InMemoryCacheFactory(clock)).namespace('latest-pool-price', { maxEntries: 10 });
    const two = new RedisCacheFactory(await connect(prefix), new InMemoryCacheFactory(clock)).namespace('latest-pool-price', { maxEntries: 10 });
    const other = new RedisCacheFactory(await connect(prefix), new InMemoryCacheFactory(clock)).namespace('global-risk:flags', { maxEntries: 10 });
    await one.set('m5.large.eu-west-1a', { spotPrice: 0.04, bucketStartMs: 1 }, 60_000);
    await one.set('none', null, 60_000);
    expect(await two.get('m5.large.eu-west-1a')).toEqual({ spotPrice: 0.04, bucketStartMs: 1 });
    expect(await other.get('m5.large.eu-west-1a')).toBeUndefined();
    const many = await two.getMany(['m5.large.eu-west-1a', 'none', 'missing']);
    expect([...many]).toEqual([['m5.large.eu-west-1a', { spotPrice: 0.04, bucketStartMs: 1 }], ['none', null]]);
    expect((await two.keys('m5.')).sort()).toEqual(['m5.large.eu-west-1a']);
    const left = await two.ttl('m5.large.eu-west-1a');
    expect(left).toBeGreaterThan(50_000);
    expect(left).toBeLessThanOrEqual(60_000);
    expect(await one.increment('count', 60_000)).toBe(1);
    expect(await two.increment('count', 1_000)).toBe(2);
    expect(await one.ttl('count')).toBeGreaterThan(1_000); // an existing counter keeps its expiry
    await two.delete('m5.large.eu-west-1a');
    expect(await one.get('m5.large.eu-west-1a')).toBeUndefined();
  });

  it('signal bus: a message published by one process reaches the subscribers of both, once', async () => {
    const prefix = uniqueRedisPrefix('bus');
    const busA = new RedisSignalBus(await connect(prefix), new InProcessSignalBus());
    const busB = new RedisSignalBus(await connect(prefix), new InProcessSignalBus());
    const seenA: unknown[] = [];
    const seenB: unknown[] = [];
    busA.subscribe('risk', (m) => seenA.push(m));
    const gotB = new Promise((resolve) => busB.subscribe('risk', (m) => resolve(seenB.push(m))));
    await Promise.all([busA.whenSubscribed(), busB.whenSubscribed()]);
    const gotA = new Promise((resolve) => busA.subscribe('risk', resolve));
    await busA.publish('risk', { poolId: 'm5.large.eu-west-1a' });
    await Promise.all([gotA, gotB]);
    expect(seenB).toEqual([{ poolId: 'm5.large.eu-west-1a' }]);
    expect(seenA).toEqual([{ poolId: 'm5.large.eu-west-1a' }]);
  });
});
