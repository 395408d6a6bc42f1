import { Clock } from './clock';

/**
 * Hot data with a time to live (latest prices, global risk flags …). Async, so a Redis-backed
 * implementation can replace the in-memory one without touching callers.
 */
export abstract class TtlCache {
  abstract get<T>(key: string): Promise<T | undefined>;
  abstract getMany<T>(keys: string[]): Promise<Map<string, T>>;
  abstract set<T>(key: string, value: T, ttlMs: number): Promise<void>;
  abstract delete(key: string): Promise<void>;
  /** Adds 1 and returns the new count; a new counter lives `ttlMs`, an existing one keeps its expiry. */
  abstract increment(key: string, ttlMs: number): Promise<number>;
  /** Live keys that start with `prefix`. */
  abstract keys(prefix?: string): Promise<string[]>;
  /** How long a key has left, in ms; undefined when absent. */
  abstract ttl(key: string): Promise<number | undefined>;
}

/** Creates one cache per namespace, so one kind of data can never evict another. */
export abstract class CacheFactory {
  abstract namespace(name: string, options: { maxEntries: number }): TtlCache;
}

interface Entry {
  value: unknown;
  expiresAt: number;
}

/**
 * In-process cache: expiry judged by the injected clock, least recently used entry evicted
 * when full (a Map keeps insertion order; a read re-inserts the key at the end).
 */
export class InMemoryTtlCache extends TtlCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly maxEntries: number,
  ) {
    super();
    if (maxEntries < 1) throw new Error('maxEntries must be at least 1');
  }

  get size(): number {
    return this.entries.size;
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.nowMs()) {
      this.entries.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.live(key)?.value as T | undefined;
  }

  async getMany<T>(keys: string[]): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    for (const key of keys) {
      const entry = this.live(key);
      if (entry) found.set(key, entry.value as T);
    }
    return found;
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.clock.nowMs() + ttlMs });
    this.evict();
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const entry = this.live(key);
    const next = (typeof entry?.value === 'number' ? entry.value : 0) + 1;
    this.entries.set(key, { value: next, expiresAt: entry?.expiresAt ?? this.clock.nowMs() + ttlMs });
    this.evict();
    return next;
  }

  async keys(prefix = ''): Promise<string[]> {
    const now = this.clock.nowMs();
    const result: string[] = [];
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
      else if (key.startsWith(prefix)) result.push(key);
    }
    return result;
  }

  async ttl(key: string): Promise<number | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const left = entry.expiresAt - this.clock.nowMs();
    return left > 0 ? left : undefined;
  }

  private evict(): void {
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}

export class InMemoryCacheFactory extends CacheFactory {
  private readonly caches = new Map<string, InMemoryTtlCache>();

  constructor(private readonly clock: Clock) {
    super();
  }

  namespace(name: string, options: { maxEntries: number }): TtlCache {
    let cache = this.caches.get(name);
    if (!cache) {
      cache = new InMemoryTtlCache(this.clock, options.maxEntries);
      this.caches.set(name, cache);
    }
    return cache;
  }
}
