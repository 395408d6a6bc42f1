import { CorrelationContext, CryptoIdGenerator, formatJsonLine, formatTextLine, InMemoryCacheFactory, InMemoryRateLimiter, InMemoryTtlCache, ManualClock, pageRequest, StructuredLogger } from '@spot/core';

describe('ids', () => {
  it('makes RFC 9562 UUIDv7 ids that sort by creation time', () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const ids = new CryptoIdGenerator(clock);
    const made = Array.from({ length: 5 }, () => {
      clock.advance(1);
      return ids.uuid();
    });
    for (const id of made) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...made].sort()).toEqual(made);
    expect(parseInt(made[0].replace(/-/g, '').slice(0, 12), 16)).toBe(Date.parse('2026-01-01T00:00:00.001Z'));
  });

  it('keeps ids increasing within one millisecond and when the clock steps back', () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const ids = new CryptoIdGenerator(clock);
    const made = Array.from({ length: 5000 }, (_, i) => {
      if (i === 2500) clock.advance(-10_000);
      return ids.uuid();
    });
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
  });

  it('makes url-safe secrets of the asked entropy', () => {
    expect(new CryptoIdGenerator().secret(30)).toMatch(/^[A-Za-z0-9_-]{40}$/);
  });
});

describe('log format', () => {
  const at = new Date('2026-11-24T10:00:00.000Z');

  it('writes the seed-003 line: timestamp, component, action, result, duration', () => {
    expect(formatTextLine(at, { level: 'info', component: 'MOD-SPOT-01', action: 'SELECT-INSTANCE', result: 'SUCCESS', durationMs: 12.4 })).toBe(
      '2026-11-24T10:00:00.000Z [MOD-SPOT-01] [SELECT-INSTANCE] [SUCCESS] [12ms]',
    );
    expect(formatTextLine(at, { level: 'info', component: 'CORE-EXEC', action: 'LAUNCH-SPOT', result: 'SUCCESS', durationMs: 4200, correlationId: 'c1', fields: { pool: 'm5.large.eu-west-1a', note: 'two words' } })).toBe(
      '2026-11-24T10:00:00.000Z [CORE-EXEC] [LAUNCH-SPOT] [SUCCESS] [4.2s] cid=c1 pool=m5.large.eu-west-1a note="two words"',
    );
  });

  it('can write JSON lines instead', () => {
    expect(JSON.parse(formatJsonLine(at, { level: 'warn', component: 'CORE-API', action: 'X', result: 'FAILURE', durationMs: 3 }))).toEqual({
      ts: '2026-11-24T10:00:00.000Z',
      level: 'warn',
      component: 'CORE-API',
      action: 'X',
      result: 'FAILURE',
      duration_ms: 3,
    });
  });

  it('adds the correlation id of the current request and respects the level', () => {
    const lines: string[] = [];
    const logger = new StructuredLogger({ level: 'warn', clock: new ManualClock(at), sink: (line) => lines.push(line) });
    CorrelationContext.run('req-9', () => {
      logger.event({ level: 'info', component: 'A', action: 'B', result: 'SUCCESS' });
      logger.event({ level: 'warn', component: 'A', action: 'B', result: 'WARN' });
    });
    expect(lines).toEqual(['2026-11-24T10:00:00.000Z [A] [B] [WARN] [-] cid=req-9']);
  });
});

describe('rate limiter', () => {
  it('allows `limit` hits per sliding window and says when to retry', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const limiter = new InMemoryRateLimiter(clock);
    for (let i = 0; i < 3; i++) {
      expect((await limiter.hit('k', 3, 60_000)).allowed).toBe(true);
      clock.advanceSeconds(10);
    }
    expect(await limiter.hit('k', 3, 60_000)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 30_000 });
    expect((await limiter.hit('other', 3, 60_000)).allowed).toBe(true);
    clock.advanceSeconds(30);
    expect((await limiter.hit('k', 3, 60_000)).allowed).toBe(true);
  });

  it('peeks without counting and resets a key', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const limiter = new InMemoryRateLimiter(clock);
    await limiter.hit('k', 2, 60_000);
    expect(await limiter.peek('k', 2, 60_000)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    expect(await limiter.peek('k', 2, 60_000)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    await limiter.hit('k', 2, 60_000);
    expect((await limiter.peek('k', 2, 60_000)).allowed).toBe(false);
    await limiter.reset('k');
    expect(await limiter.peek('k', 2, 60_000)).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0 });
  });

  it('forgets idle keys', async () => {
    const clock = new ManualClock();
    const limiter = new InMemoryRateLimiter(clock, 10);
    for (let i = 0; i < 50; i++) await limiter.hit(`key-${i}`, 1, 1000);
    clock.advanceSeconds(2);
    await limiter.hit('fresh', 1, 1000);
    expect((limiter as unknown as { hits: Map<string, number[]> }).hits.size).toBe(1);
  });
});

describe('pagination', () => {
  it('clamps limits and offsets', () => {
    expect(pageRequest()).toEqual({ limit: 50, offset: 0 });
    expect(pageRequest(1000, -5)).toEqual({ limit: 200, offset: 0 });
  });
});

describe('TTL cache', () => {
  it('expires entries by the injected clock', async () => {
    const clock = new ManualClock();
    const cache = new InMemoryTtlCache(clock, 10);
    await cache.set('price:m5.large.eu-west-1a', 0.04, 60_000);
    clock.advanceSeconds(59);
    expect(await cache.get('price:m5.large.eu-west-1a')).toBe(0.04);
    expect(await cache.ttl('price:m5.large.eu-west-1a')).toBe(1000);
    clock.advanceSeconds(1);
    expect(await cache.get('price:m5.large.eu-west-1a')).toBeUndefined();
  });

  it('evicts the least recently used entry when full', async () => {
    const cache = new InMemoryTtlCache(new ManualClock(), 2);
    await cache.set('a', 1, 60_000);
    await cache.set('b', 2, 60_000);
    await cache.get('a');
    await cache.set('c', 3, 60_000);
    expect(await cache.getMany(['a', 'b', 'c'])).toEqual(new Map([['a', 1], ['c', 3]]));
  });

  it('counts within a window that does not slide on increment, and lists keys by prefix', async () => {
    const clock = new ManualClock();
    const cache = new InMemoryTtlCache(clock, 100);
    expect(await cache.increment('risk:count:p1', 1_800_000)).toBe(1);
    clock.advanceSeconds(1000);
    expect(await cache.increment('risk:count:p1', 1_800_000)).toBe(2);
    await cache.set('risk:flag:p1', true, 1_800_000);
    await cache.set('price:p1', 1, 1_800_000);
    expect((await cache.keys('risk:')).sort()).toEqual(['risk:count:p1', 'risk:flag:p1']);
    clock.advanceSeconds(800);
    expect(await cache.keys('risk:count:')).toEqual([]);
  });

  it('keeps namespaces apart', async () => {
    const factory = new InMemoryCacheFactory(new ManualClock());
    const prices = factory.namespace('prices', { maxEntries: 1 });
    const risk = factory.namespace('risk', { maxEntries: 10 });
    await risk.set('flag', true, 1000);
    await prices.set('x', 1, 1000);
    await prices.set('y', 2, 1000);
    expect(await risk.get('flag')).toBe(true);
    expect(factory.namespace('prices', { maxEntries: 1 })).toBe(prices);
  });
});
