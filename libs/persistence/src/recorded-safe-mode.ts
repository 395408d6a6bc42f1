import { CacheFactory, SafeModeState, SafeModeSwitch, SignalBus, TtlCache } from '@spot/core';
import { SystemEventLog } from './system-event-log';

export const SAFE_MODE_EVENT = 'safe-mode.changed';
const CHANNEL = 'safe-mode';
const KEY = 'state';
/**
 * How long a process trusts its copy. With Redis the cache is shared and every change writes it,
 * so this only bounds a missed message; without Redis it is how soon another process sees a change.
 */
const CACHE_TTL_MS = 5_000;

const OFF: SafeModeState = { on: false, changedBy: null, changedAt: null, reason: null };

/**
 * SAFE_MODE kept as `safe-mode.changed` entries of the system event log: the latest one is the
 * flag, so it survives restarts and a Redis without persistence, and every change is audited.
 * The hot copy lives in the cache port (Redis when REDIS_URL is set) and a change is broadcast on
 * the signal bus, so every process sees it at once (docs/architecture.md "Redis").
 */
export class RecordedSafeMode extends SafeModeSwitch {
  private readonly cache: TtlCache;

  constructor(
    private readonly events: SystemEventLog,
    caches: CacheFactory,
    private readonly bus: SignalBus,
  ) {
    super();
    this.cache = caches.namespace('safe-mode', { maxEntries: 1 });
    // Another process changed it: take its state as this process's copy (a no-op when the cache is Redis).
    this.bus.subscribe(CHANNEL, (message) => {
      if (isState(message)) void this.cache.set(KEY, message, CACHE_TTL_MS).catch(() => undefined);
    });
  }

  async state(): Promise<SafeModeState> {
    const cached = await this.cache.get<SafeModeState>(KEY);
    if (cached) return cached;
    const { state } = await this.recorded();
    await this.cache.set(KEY, state, CACHE_TTL_MS);
    return state;
  }

  /**
   * The latest change on record. Changes carry a sequence number, so two in the same millisecond
   * (same created_at) still have an order.
   */
  private async recorded(): Promise<{ state: SafeModeState; seq: number }> {
    const recent = await this.events.recent({ eventType: SAFE_MODE_EVENT, limit: 10 });
    let best: { state: SafeModeState; seq: number } = { state: OFF, seq: 0 };
    for (const event of recent) {
      const meta = (event.metadata ?? {}) as { on?: unknown; userId?: unknown; reason?: unknown; seq?: unknown };
      const seq = typeof meta.seq === 'number' ? meta.seq : 0;
      if (best.state !== OFF && seq <= best.seq) continue;
      best = {
        seq,
        state: { on: meta.on === true, changedBy: typeof meta.userId === 'string' ? meta.userId : null, changedAt: event.createdAt.toISOString(), reason: typeof meta.reason === 'string' ? meta.reason : null },
      };
    }
    return best;
  }

  async isOn(): Promise<boolean> {
    return (await this.state()).on;
  }

  async set(on: boolean, by: { userId: string; reason?: string | null }): Promise<SafeModeState> {
    const reason = by.reason ?? null;
    const { seq } = await this.recorded();
    await this.events.record({
      eventType: SAFE_MODE_EVENT,
      component: 'CORE-ADMIN',
      severity: 'warning',
      message: on ? `SAFE_MODE on${reason ? `: ${reason}` : ''}` : 'SAFE_MODE off',
      metadata: { on, userId: by.userId, reason, seq: seq + 1 },
    });
    await this.cache.delete(KEY);
    const state = await this.state();
    await this.bus.publish(CHANNEL, state);
    return state;
  }

  onChange(listener: (state: SafeModeState) => void): () => void {
    return this.bus.subscribe(CHANNEL, (message) => {
      if (isState(message)) listener(message);
    });
  }
}

function isState(message: unknown): message is SafeModeState {
  return typeof (message as SafeModeState | null)?.on === 'boolean';
}
