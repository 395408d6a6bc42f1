import Redis from 'ioredis';
import { StructuredLogger } from '@spot/core';

export type RedisStatus = 'ok' | 'degraded';

export interface RedisConnectionOptions {
  url: string;
  keyPrefix: string;
  logger?: StructuredLogger;
  /** After a failed command, this long goes straight to the fallback before Redis is tried again. */
  retryAfterMs?: number;
  /** A command that takes longer counts as a failure (Redis is hung rather than gone). */
  commandTimeoutMs?: number;
}

/**
 * One process's Redis: a command connection and a subscriber connection (a subscribed ioredis
 * connection takes no other command), and a circuit breaker. Nothing waits for Redis: commands
 * fail at once while it is disconnected (no offline queue), and `run` then answers from the
 * fallback, so the API keeps serving on the database (docs/architecture.md "Redis"). ioredis
 * reconnects by itself; the first successful command after `retryAfterMs` closes the breaker.
 * The breaker runs on wall time (performance.now): it paces network retries, not domain time.
 */
export class RedisConnection {
  readonly client: Redis;
  readonly subscriber: Redis;
  readonly keyPrefix: string;
  private openUntil = 0;
  private lastError: string | undefined;
  private degradedLogged = false;
  private readonly retryAfterMs: number;
  private closed = false;

  constructor(private readonly options: RedisConnectionOptions) {
    this.keyPrefix = options.keyPrefix;
    this.retryAfterMs = options.retryAfterMs ?? 1_000;
    const common = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 1_000,
      connectTimeout: 2_000,
      // Reconnect for ever, at most every 2 s: Redis coming back must be picked up.
      retryStrategy: (times: number) => Math.min(100 * times, 2_000),
      lazyConnect: false,
    };
    this.client = new Redis(options.url, { ...common, connectionName: 'spot' });
    // The subscriber queues its SUBSCRIBEs until connected, and re-subscribes after a reconnect. No
    // ready check and no connection name: those commands would reach it in subscriber mode and be refused.
    this.subscriber = new Redis(options.url, { ...common, enableOfflineQueue: true, enableReadyCheck: false, maxRetriesPerRequest: null, commandTimeout: undefined });
    for (const connection of [this.client, this.subscriber]) {
      connection.on('error', (error: Error) => this.noteFailure(error));
    }
    this.client.on('ready', () => this.noteRecovered());
  }

  /** `op` on Redis, or `fallback` while Redis is unreachable or failing. */
  async run<T>(op: (redis: Redis) => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    if (!this.available()) return fallback();
    try {
      const result = await op(this.client);
      if (this.degradedLogged) this.noteRecovered();
      return result;
    } catch (error) {
      this.noteFailure(error);
      this.openUntil = performance.now() + this.retryAfterMs;
      return fallback();
    }
  }

  key(...parts: string[]): string {
    return this.keyPrefix + parts.join(':');
  }

  available(): boolean {
    return !this.closed && this.client.status === 'ready' && performance.now() >= this.openUntil;
  }

  /** ok: connected and the last commands succeeded; degraded: serving from the fallbacks. */
  async health(): Promise<{ status: RedisStatus; error?: string }> {
    if (!this.available()) return { status: 'degraded', error: this.lastError ?? `redis ${this.client.status}` };
    try {
      await this.client.ping();
      return { status: 'ok' };
    } catch (error) {
      this.noteFailure(error);
      return { status: 'degraded', error: this.lastError };
    }
  }

  /** Resolves once the command connection is ready (tests: Redis is back). */
  async whenReady(): Promise<void> {
    if (this.client.status === 'ready') return;
    await new Promise<void>((resolve) => this.client.once('ready', () => resolve()));
  }

  async close(): Promise<void> {
    this.closed = true;
    // The subscriber queues commands while disconnected, so it is dropped rather than asked to QUIT.
    this.subscriber.disconnect();
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private noteFailure(error: unknown): void {
    this.lastError = error instanceof Error ? error.message : String(error);
    if (this.degradedLogged || this.closed) return;
    this.degradedLogged = true;
    this.options.logger?.event({ level: 'warn', component: 'CORE-REDIS', action: 'REDIS', result: 'DEGRADED', message: `Redis unreachable (${this.lastError}): limits, caches and broadcasts fall back to the database and this process` });
  }

  private noteRecovered(): void {
    this.openUntil = 0;
    if (!this.degradedLogged) return;
    this.degradedLogged = false;
    this.lastError = undefined;
    this.options.logger?.event({ level: 'info', component: 'CORE-REDIS', action: 'REDIS', result: 'RECOVERED', message: 'Redis reachable again' });
  }
}
