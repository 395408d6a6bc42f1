import { EntityManager, MoreThan } from 'typeorm';
import { Clock, RateLimiter } from '@spot/core';
import { AsyncMutex, SpotInterruptionEventEntity } from '@spot/persistence';

/**
 * AWS's own throttle on RunInstances, per account and region (docs/emergency-admission.md):
 * a request token bucket of 5 refilled at 2 per second, and a resource bucket of 1000
 * instances refilled at 2 per second. One emergency launch is one call for one instance, so the
 * request bucket is the one that binds.
 */
export const AWS_RUN_INSTANCES_THROTTLE = { requestBucket: 5, requestRefillPerSecond: 2, instanceBucket: 1000, instanceRefillPerSecond: 2 } as const;

export interface EmergencyLimits {
  /** Capacity launches admitted at once per client (its AWS account) and region: the bucket size. */
  launchBurst: number;
  /** Launches admitted per minute per client and region once the burst is spent: the refill. */
  launchesPerMinute: number;
}

/**
 * AWS's bucket, and 75 % of its refill (1.5 launches/s), so the account keeps a quarter of its
 * RunInstances rate for the customer's own tooling and our retries. A 100-instance reclaim of
 * one client is then admitted within 5 + 95 / 1.5 ≈ 63 s (plus the emergency-queue job's 2 s
 * period), inside the 2-minute notice (docs/emergency-admission.md).
 */
export const DEFAULT_EMERGENCY_LIMITS: EmergencyLimits = {
  launchBurst: AWS_RUN_INSTANCES_THROTTLE.requestBucket,
  launchesPerMinute: AWS_RUN_INSTANCES_THROTTLE.requestRefillPerSecond * 60 * 0.75,
};

const MAX_REMEMBERED_CHARGES = 10_000;

export interface AdmissionDecision {
  admitted: boolean;
  /** When refused: how long until the bucket holds a token again. */
  retryAfterMs: number;
}

/**
 * A token bucket replayed from the launch times it admitted (ascending, ms), so its state lives
 * in the database rows themselves, holds across restarts and is the same for every process that
 * reads them. The bucket is taken as full `horizonMs` before now; launches older than that are
 * left out by the caller. Pure, so the admission rule is tested on an injected clock.
 */
export function tokenBucketAdmits(launchTimesMs: number[], nowMs: number, limits: EmergencyLimits, horizonMs: number): AdmissionDecision {
  const perMs = limits.launchesPerMinute / 60_000;
  let tokens = limits.launchBurst;
  let last = nowMs - horizonMs;
  for (const at of launchTimesMs) {
    tokens = Math.min(limits.launchBurst, tokens + (at - last) * perMs) - 1;
    last = at;
  }
  tokens = Math.min(limits.launchBurst, tokens + (nowMs - last) * perMs);
  if (tokens >= 1 - 1e-9) return { admitted: true, retryAfterMs: 0 };
  return { admitted: false, retryAfterMs: Math.ceil((1 - tokens) / perMs) };
}

/** `eu-west-1a` → `eu-west-1` (an AZ is its region plus one letter). */
export const regionOfPool = (poolId: string | null): string | null => {
  const az = poolId?.slice(poolId.lastIndexOf('.') + 1);
  return az && /^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/.test(az) ? az.slice(0, -1) : null;
};

/**
 * Cascading-failure prevention (seed 000 Sentinel rate limiter), sized on what AWS lets one
 * account do: capacity launches of a client in a region pass a token bucket of AWS's
 * RunInstances throttle (see DEFAULT_EMERGENCY_LIMITS), instead of a fixed count per minute that
 * left most of a mass reclaim outside the 2-minute notice (issue 22). Launches admitted are
 * counted from the events themselves (`action_at`), so the bound holds across restarts and for
 * the queue drain; decisions of one process are serialised, and across processes a shared RateLimiter slot
 * gates each launch the bucket admits, so two processes never both take the last token. Promotions of ready replicas launch nothing and are never held back.
 */
export class EmergencyAdmission {
  private readonly mutex = new AsyncMutex();
  /** Launches (by their idempotency key) whose shared slot this process took, oldest first. */
  private readonly charged = new Set<string>();
  /**
   * How far back launches are replayed, from a full bucket. Exact unless the client launched at
   * the full rate for this whole span, when at most one more burst may pass.
   */
  private readonly horizonMs = 10 * 60_000;

  constructor(
    private readonly clock: Clock,
    readonly limits: EmergencyLimits,
    private readonly limiter: RateLimiter,
  ) {}

  /** Runs `decide` alone among this process's admission decisions (the caller's transaction inside). */
  serialise<T>(decide: () => Promise<T>): Promise<T> {
    return this.mutex.run(decide);
  }

  /**
   * Whether one more launch of the client fits its bucket for the region of the interrupted
   * pool; call inside serialise(). Launches whose region is unknown count against every region.
   */
  async admit(manager: EntityManager, clientId: string, poolId: string | null, chargeKey?: string): Promise<AdmissionDecision> {
    const now = this.clock.nowMs();
    const rows = await manager.getRepository(SpotInterruptionEventEntity).find({
      select: { actionAt: true, poolId: true },
      where: { clientId, actionAt: MoreThan(new Date(now - this.horizonMs)) },
      order: { actionAt: 'ASC' },
    });
    const region = regionOfPool(poolId);
    const times = rows
      .filter((r) => region === null || regionOfPool(r.poolId) === null || regionOfPool(r.poolId) === region)
      .map((r) => (r.actionAt as Date).getTime());
    const decision = tokenBucketAdmits(times, now, this.limits, this.horizonMs);
    if (!decision.admitted) return decision;
    // Across API processes: the events above are this transaction's view, so two processes could
    // both see the last token. The shared RateLimiter (database or Redis) takes a slot atomically:
    // at most a burst per burst/refill seconds, inside the bucket's own envelope (issue 22, finding 9).
    // A launch's transaction that is run again (a deadlock victim on MySQL) asks again for the
    // same launch: its slot is already taken, so it is not taken twice.
    if (chargeKey !== undefined && this.charged.has(chargeKey)) return decision;
    const windowMs = Math.ceil((this.limits.launchBurst * 60_000) / this.limits.launchesPerMinute);
    const shared = await this.limiter.hit(`emergency:${clientId}:${region ?? 'any'}`, this.limits.launchBurst, windowMs);
    if (!shared.allowed) return { admitted: false, retryAfterMs: shared.retryAfterMs };
    if (chargeKey !== undefined) this.remember(chargeKey);
    return decision;
  }

  private remember(chargeKey: string): void {
    this.charged.add(chargeKey);
    if (this.charged.size > MAX_REMEMBERED_CHARGES) this.charged.delete(this.charged.values().next().value as string);
  }

  /** admit(), as a yes or no; `chargeKey` names the launch, so asking again for it takes no second slot. */
  async hasRoom(manager: EntityManager, clientId: string, poolId: string | null, chargeKey?: string): Promise<boolean> {
    return (await this.admit(manager, clientId, poolId, chargeKey)).admitted;
  }
}
