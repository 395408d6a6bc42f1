import { SignalBus } from '@spot/core';
import { RedisConnection } from './redis-connection';

/**
 * The signal bus on Redis pub/sub (channels `<prefix>bus:<name>`): a message reaches every
 * process, this one included (its own subscriber receives it back). While Redis is unreachable a
 * message reaches this process only (the in-process bus); others catch up from the stored state
 * (the database or the cache), which is why messages are hints only (libs/core SignalBus).
 */
export class RedisSignalBus extends SignalBus {
  private readonly subscribed = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly local: SignalBus,
  ) {
    super();
    redis.subscriber.on('message', (channel: string, raw: string) => {
      if (!channel.startsWith(this.channelPrefix)) return;
      let message: unknown;
      try {
        message = JSON.parse(raw);
      } catch {
        return;
      }
      // Delivered through the local bus, which isolates failing handlers.
      void this.local.publish(channel.slice(this.channelPrefix.length), message);
    });
  }

  /** True while Redis is reachable: then a message reaches every process. */
  get crossProcess(): boolean {
    return this.redis.available();
  }

  private get channelPrefix(): string {
    return this.redis.key('bus', '');
  }

  publish(channel: string, message: unknown): Promise<void> {
    return this.redis.run(
      async (r) => void (await r.publish(this.channelPrefix + channel, JSON.stringify(message ?? null))),
      () => this.local.publish(channel, message),
    );
  }

  subscribe(channel: string, handler: (message: unknown) => void): () => void {
    if (!this.subscribed.has(channel)) this.subscribed.set(channel, this.redis.subscriber.subscribe(this.channelPrefix + channel).catch(() => undefined));
    return this.local.subscribe(channel, handler);
  }

  /** Resolves once every channel subscribed so far is subscribed in Redis (tests, start-up). */
  async whenSubscribed(): Promise<void> {
    await Promise.all(this.subscribed.values());
  }
}
