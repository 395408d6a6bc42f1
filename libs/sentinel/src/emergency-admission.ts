import { EntityManager, MoreThan } from 'typeorm';
import { Clock } from '@spot/core';
import { AsyncMutex, SpotInterruptionEventEntity } from '@spot/persistence';

export interface EmergencyLimits {
  /** Capacity launches (emergency replicas, emergency launches) per interrupted pool per minute. */
  perPoolPerMinute: number;
  /** The same per client. */
  perClientPerMinute: number;
}

export const DEFAULT_EMERGENCY_LIMITS: EmergencyLimits = { perPoolPerMinute: 20, perClientPerMinute: 10 };

const WINDOW_MS = 60_000;

/**
 * Cascading-failure prevention (seed 000 Sentinel rate limiter): a mass interruption must not
 * stampede replacement launches. Launches admitted in the last minute are counted from the
 * events themselves (`action_at`), so the bound holds across restarts and for the queue drain;
 * decisions of one process are serialised so two launches never both take the last slot.
 * Promotions of ready replicas launch nothing and are never held back.
 */
export class EmergencyAdmission {
  private readonly mutex = new AsyncMutex();

  constructor(
    private readonly clock: Clock,
    readonly limits: EmergencyLimits,
  ) {}

  /** Runs `decide` alone among this process's admission decisions (the caller's transaction inside). */
  serialise<T>(decide: () => Promise<T>): Promise<T> {
    return this.mutex.run(decide);
  }

  /** Whether one more launch fits both windows; call inside serialise(). */
  async hasRoom(manager: EntityManager, clientId: string, poolId: string | null): Promise<boolean> {
    const since = new Date(this.clock.nowMs() - WINDOW_MS);
    const repo = manager.getRepository(SpotInterruptionEventEntity);
    if ((await repo.countBy({ clientId, actionAt: MoreThan(since) })) >= this.limits.perClientPerMinute) return false;
    if (poolId && (await repo.countBy({ poolId, actionAt: MoreThan(since) })) >= this.limits.perPoolPerMinute) return false;
    return true;
  }
}
