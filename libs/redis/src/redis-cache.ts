import { CacheFactory, TtlCache } from '@spot/core';
import { RedisConnection } from './redis-connection';

/** INCR that gives a new counter its time to live and leaves an existing one's expiry alone. */
const INCREMENT = `
local n = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
`;

/**
 * The cache port in Redis: one key per entry under `<prefix>cache:<namespace>:`, values as JSON,
 * expiry by Redis (PX), so every process reads the same latest prices, risk flags and deny-list
 * answers. While Redis is unreachable the process's own in-memory cache of the namespace answers
 * (and takes the writes), as without REDIS_URL. Redis judges expiry on its own clock, not the
 * injected one; no per-namespace entry bound (TTLs bound it, maxEntries applies to the fallback).
 */
export class RedisTtlCache extends TtlCache {
  private readonly prefix: string;

  constructor(
    private readonly redis: RedisConnection,
    namespace: string,
    private readonly local: TtlCache,
  ) {
    super();
    this.prefix = redis.key('cache', namespace, '');
  }

  get<T>(key: string): Promise<T | undefined> {
    return this.redis.run(async (r) => parse<T>(await r.get(this.prefix + key)), () => this.local.get<T>(key));
  }

  getMany<T>(keys: string[]): Promise<Map<string, T>> {
    if (keys.length === 0) return Promise.resolve(new Map());
    return this.redis.run(async (r) => {
      const values = await r.mget(keys.map((k) => this.prefix + k));
      const found = new Map<string, T>();
      values.forEach((value, i) => {
        const parsed = parse<T>(value);
        if (parsed !== undefined) found.set(keys[i], parsed);
      });
      return found;
    }, () => this.local.getMany<T>(keys));
  }

  set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    return this.redis.run(async (r) => void (await r.set(this.prefix + key, JSON.stringify(value), 'PX', Math.max(1, Math.round(ttlMs)))), () => this.local.set(key, value, ttlMs));
  }

  delete(key: string): Promise<void> {
    // Both: a value the fallback took during an outage must not come back later.
    return this.redis.run(async (r) => void (await Promise.all([r.del(this.prefix + key), this.local.delete(key)])), () => this.local.delete(key));
  }

  increment(key: string, ttlMs: number): Promise<number> {
    return this.redis.run(async (r) => Number(await r.eval(INCREMENT, 1, this.prefix + key, Math.max(1, Math.round(ttlMs)))), () => this.local.increment(key, ttlMs));
  }

  keys(prefix = ''): Promise<string[]> {
    return this.redis.run(async (r) => {
      const found = new Set<string>();
      let cursor = '0';
      do {
        const [next, batch] = await r.scan(cursor, 'MATCH', `${escapeGlob(this.prefix + prefix)}*`, 'COUNT', 1000);
        for (const k of batch) found.add(k.slice(this.prefix.length));
        cursor = next;
      } while (cursor !== '0');
      return [...found];
    }, () => this.local.keys(prefix));
  }

  ttl(key: string): Promise<number | undefined> {
    return this.redis.run(async (r) => {
      const left = await r.pttl(this.prefix + key);
      return left > 0 ? left : undefined;
    }, () => this.local.ttl(key));
  }
}

export class RedisCacheFactory extends CacheFactory {
  private readonly caches = new Map<string, RedisTtlCache>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly local: CacheFactory,
  ) {
    super();
  }

  namespace(name: string, options: { maxEntries: number }): TtlCache {
    let cache = this.caches.get(name);
    if (!cache) {
      cache = new RedisTtlCache(this.redis, name, this.local.namespace(name, options));
      this.caches.set(name, cache);
    }
    return cache;
  }
}

function parse<T>(value: string | null): T | undefined {
  if (value === null) return undefined;
  try {
    return JSON.parse(value) as T;
  } catch {
    return undefined;
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
