import { Clock, DomainError } from '@spot/core';

/** Pauses between polls; injected so cut-overs run in virtual time (tests, the benchmark). */
export abstract class Sleeper {
  abstract sleep(ms: number): Promise<void>;
}

export class RealSleeper extends Sleeper {
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

/**
 * Virtual time: a pause moves the manual clock on, in steps of `stepMs` (default: one step),
 * calling `onTick` after each (the downtime benchmark samples the simulated traffic with it).
 */
export class VirtualSleeper extends Sleeper {
  constructor(
    private readonly clock: Clock & { advance(ms: number): Date },
    private readonly onTick?: (nowMs: number) => void,
    private readonly stepMs?: number,
  ) {
    super();
  }

  async sleep(ms: number): Promise<void> {
    // The state at the start of the pause is sampled too: a call just made takes effect now.
    this.onTick?.(this.clock.nowMs());
    let left = ms;
    while (left > 0) {
      const step = this.stepMs ? Math.min(this.stepMs, left) : left;
      this.clock.advance(step);
      left -= step;
      this.onTick?.(this.clock.nowMs());
    }
  }
}

/** Polls `check` until it answers a value, or fails with `what` after `timeoutMs` of the clock. */
export async function waitUntil<T>(clock: Clock, sleeper: Sleeper, what: string, timeoutMs: number, pollMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = clock.nowMs() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (clock.nowMs() >= deadline) throw new DomainError('unavailable', 'CUTOVER_WAIT_TIMED_OUT', `${what}: not done after ${Math.round(timeoutMs / 1000)} s`);
    await sleeper.sleep(Math.min(pollMs, Math.max(1, deadline - clock.nowMs())));
  }
}
