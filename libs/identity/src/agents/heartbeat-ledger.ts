import { CacheFactory, Clock, SignalBus, TtlCache } from '@spot/core';

/** With Redis reachable, the agents row takes a heartbeat at most this often (the health monitor's cutoff is longer). */
export const HEARTBEAT_DATABASE_WRITE_EVERY_MS = 2 * 60_000;
const KEEP_MS = 24 * 60 * 60_000;

/**
 * Last-heartbeat timestamps in the cache port (issue 15): Redis when REDIS_URL is set, so N API
 * processes stop writing the agents row on every heartbeat. Only while the cache is shared and
 * reachable (the signal bus reaches every process) is the database write throttled; without
 * Redis, or while it is down, every heartbeat is written as before. Readers take the later of the
 * row and the cached time, and the offline sweep checks the cache before marking anyone offline.
 */
export class HeartbeatLedger {
  private readonly cache: TtlCache;

  constructor(
    caches: CacheFactory,
    private readonly bus: SignalBus,
    private readonly clock: Clock,
  ) {
    this.cache = caches.namespace('agent-heartbeat', { maxEntries: 200_000 });
  }

  async record(agentId: string, at: Date): Promise<void> {
    await this.cache.set(agentId, at.getTime(), KEEP_MS);
  }

  /** Whether this heartbeat must also go to the agents row. */
  needsDatabaseWrite(lastInDatabase: Date | null, now: Date): boolean {
    if (!this.bus.crossProcess || !lastInDatabase) return true;
    return now.getTime() - lastInDatabase.getTime() >= HEARTBEAT_DATABASE_WRITE_EVERY_MS || now.getTime() < lastInDatabase.getTime();
  }

  async latest(agentIds: string[]): Promise<Map<string, Date>> {
    const found = await this.cache.getMany<number>(agentIds);
    return new Map([...found].filter(([, ms]) => typeof ms === 'number').map(([id, ms]) => [id, new Date(ms)]));
  }

  /** The agents with their last heartbeat as the later of the row and the cache. */
  async overlay<T extends { id: string; lastHeartbeatAt: Date | null }>(agents: T[]): Promise<T[]> {
    if (agents.length === 0) return agents;
    const cached = await this.latest(agents.map((a) => a.id));
    return agents.map((agent) => {
      const at = cached.get(agent.id);
      return at && (!agent.lastHeartbeatAt || at > agent.lastHeartbeatAt) ? { ...agent, lastHeartbeatAt: at } : agent;
    });
  }

  now(): Date {
    return this.clock.now();
  }
}
