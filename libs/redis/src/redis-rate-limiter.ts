import { randomUUID } from 'node:crypto';
import { Clock, RateLimitDecision, RateLimiter } from '@spot/core';
import { RedisConnection } from './redis-connection';

/**
 * One atomic step of an exact sliding window on a sorted set (score = hit time in ms): drop the
 * hits that left the window, refuse when `limit` are left (answering when the oldest leaves),
 * else count this hit when asked to. Same semantics as DatabaseRateLimiter and
 * InMemoryRateLimiter: refused hits are not counted, peek counts nothing.
 * KEYS[1] the key; ARGV now, windowMs, limit, member, count (1 hit, 0 peek).
 */
const SLIDING_WINDOW = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
if n >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, 0, tonumber(oldest[2]) + window - now}
end
if ARGV[5] == '1' then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, limit - n - 1, 0}
end
return {1, limit - n, 0}
`;

/**
 * The RateLimiter port in Redis (REDIS_URL set): every sign-in, sign-up and emergency-admission
 * limit is counted once for all API processes. While Redis is unreachable the database limiter
 * counts instead (the circuit breaker of RedisConnection), so limits keep holding across
 * processes; hits counted during an outage are not carried over when Redis returns, so a key can
 * get up to one extra window's allowance around a switch. Time is the injected clock's.
 */
export class RedisRateLimiter extends RateLimiter {
  constructor(
    private readonly redis: RedisConnection,
    private readonly clock: Clock,
    private readonly fallback: RateLimiter,
  ) {
    super();
  }

  hit(key: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    return this.step(key, limit, windowMs, true, () => this.fallback.hit(key, limit, windowMs));
  }

  peek(key: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    return this.step(key, limit, windowMs, false, () => this.fallback.peek(key, limit, windowMs));
  }

  async reset(key: string): Promise<void> {
    // Both: a success must clear failures counted in either place.
    await Promise.all([this.redis.run(async (r) => void (await r.del(this.redis.key('rl', key))), async () => undefined), this.fallback.reset(key)]);
  }

  private step(key: string, limit: number, windowMs: number, count: boolean, fallback: () => Promise<RateLimitDecision>): Promise<RateLimitDecision> {
    return this.redis.run(async (r) => {
      const now = this.clock.nowMs();
      const answer = (await r.eval(SLIDING_WINDOW, 1, this.redis.key('rl', key), now, windowMs, limit, `${now}-${randomUUID()}`, count ? '1' : '0')) as number[];
      return { allowed: answer[0] === 1, remaining: Number(answer[1]), retryAfterMs: Math.max(0, Number(answer[2])) };
    }, fallback);
  }
}
