import { DataSource, LessThan } from 'typeorm';
import { CacheFactory, Clock, SignalBus, TtlCache } from '@spot/core';
import { insertRow, isUniqueViolation, RevokedTokenEntity } from '@spot/persistence';

/** A "not revoked" answer is trusted this long, and only while the cache is shared (Redis reachable). */
const NOT_REVOKED_TTL_MS = 60_000;
const REVOKED_TTL_MS = 60 * 60_000;

/**
 * The JWT deny-list (`revoked_tokens`), with its answers in the cache port (issue 15). A revoked
 * token is cached as revoked (it never comes back). "Not revoked" is cached only while the signal
 * bus reaches every process, i.e. the cache is Redis and reachable: a logout through one process
 * then overwrites that answer for all of them at once. Without Redis, or while it is down, every
 * check of a token not known revoked reads the table, as before.
 */
export class RevokedTokenRepository {
  private readonly cache: TtlCache | undefined;

  constructor(
    private readonly dataSource: DataSource,
    caches?: CacheFactory,
    private readonly bus?: SignalBus,
    private readonly clock?: Clock,
  ) {
    this.cache = caches?.namespace('jwt-deny-list', { maxEntries: 100_000 });
  }

  private get repo() {
    return this.dataSource.getRepository(RevokedTokenEntity);
  }

  async revoke(entry: RevokedTokenEntity): Promise<void> {
    try {
      await insertRow(this.dataSource.manager, RevokedTokenEntity, entry);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error; // already revoked: logout is idempotent
    }
    const left = this.clock ? entry.expiresAt.getTime() - this.clock.nowMs() : REVOKED_TTL_MS;
    if (left > 0) await this.cache?.set(entry.jti, true, left);
  }

  async isRevoked(jti: string): Promise<boolean> {
    const cached = await this.cache?.get<boolean>(jti);
    if (cached !== undefined) return cached;
    const revoked = await this.repo.exists({ where: { jti } });
    if (revoked) await this.cache?.set(jti, true, REVOKED_TTL_MS);
    else if (this.bus?.crossProcess) await this.cache?.set(jti, false, NOT_REVOKED_TTL_MS);
    return revoked;
  }

  async deleteExpiredBefore(now: Date): Promise<number> {
    const result = await this.repo.delete({ expiresAt: LessThan(now) });
    return result.affected ?? 0;
  }
}
