import { ManualClock, RateLimiter } from '@spot/core';

/**
 * What every RateLimiter adapter answers (the database and Redis ones alike): an exact sliding
 * window of `limit` hits, the time to retry, peek without counting, reset.
 */
export async function expectSlidingWindow(limiter: RateLimiter, clock: ManualClock): Promise<void> {
  for (let i = 0; i < 3; i++) {
    expect(await limiter.hit('k', 3, 60_000)).toEqual({ allowed: true, remaining: 2 - i, retryAfterMs: 0 });
    clock.advanceSeconds(10);
  }
  expect(await limiter.hit('k', 3, 60_000)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 30_000 });
  expect(await limiter.peek('k', 3, 60_000)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 30_000 });
  expect((await limiter.hit('other', 3, 60_000)).allowed).toBe(true);
  clock.advanceSeconds(30);
  expect(await limiter.peek('k', 3, 60_000)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
  expect(await limiter.hit('k', 3, 60_000)).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
  expect((await limiter.hit('k', 3, 60_000)).allowed).toBe(false);
  await limiter.reset('k');
  expect(await limiter.peek('k', 3, 60_000)).toEqual({ allowed: true, remaining: 3, retryAfterMs: 0 });
}

/** Two processes' limiters hitting one key at once share one allowance: 10 in all, not 20. */
export async function expectSharedAllowance(a: RateLimiter, b: RateLimiter): Promise<void> {
  const decisions = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).hit('signin:203.0.113.9', 10, 60_000)));
  expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
}
