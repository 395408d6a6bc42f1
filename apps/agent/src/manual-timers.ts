import { ManualClock } from '@spot/core';
import { AgentTimers } from './spot-agent';

/** Timers on a manual clock (tests, time-compressed fleets): sleeping moves time; scheduled work runs when told. */
export class ManualTimers implements AgentTimers {
  private tasks: Array<{ due: number; work: () => void | Promise<unknown>; cancelled: boolean }> = [];

  /**
   * `advanceOnSleep`: a sleep moves the clock itself (one agent driven step by step in a test);
   * otherwise it waits until the driver has moved the clock that far (a whole fleet in virtual time).
   */
  constructor(
    private readonly clock: ManualClock,
    private readonly advanceOnSleep = true,
  ) {}

  async sleep(ms: number): Promise<void> {
    if (this.advanceOnSleep) {
      this.clock.advance(ms);
      return;
    }
    this.sleeping += 1;
    await new Promise<void>((resolve) => this.after(ms, resolve));
    this.sleeping -= 1;
  }

  private sleeping = 0;
  private readonly running = new Set<Promise<unknown>>();

  after(ms: number, work: () => void | Promise<unknown>): () => void {
    const task = { due: this.clock.nowMs() + ms, work, cancelled: false };
    this.tasks.push(task);
    return () => void (task.cancelled = true);
  }

  /** Runs the work that is due by now (without waiting for it). */
  runDue(): number {
    return this.takeDue().map((t) => t.work()).length;
  }

  /**
   * Runs the due work and waits until all of it has finished or is asleep until a later time,
   * again while more falls due. Work waiting on I/O (HTTP) is waited for, up to `limitMs` of real time.
   */
  async settle(limitMs = 30_000): Promise<void> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const due = this.takeDue();
      for (const t of due) {
        const result = t.work();
        if (result instanceof Promise) {
          const tracked: Promise<unknown> = result.catch(() => undefined).finally(() => this.running.delete(tracked));
          this.running.add(tracked);
        }
      }
      while (this.running.size > this.sleeping) {
        if (Date.now() > deadline) throw new Error(`virtual time stalled: ${this.running.size} task(s) still busy`);
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (!due.length && !this.takeDuePeek()) return;
    }
  }

  private takeDuePeek(): boolean {
    return this.tasks.some((t) => !t.cancelled && t.due <= this.clock.nowMs());
  }

  private takeDue() {
    const due = this.tasks.filter((t) => !t.cancelled && t.due <= this.clock.nowMs()).sort((a, b) => a.due - b.due);
    this.tasks = this.tasks.filter((t) => !due.includes(t) && !t.cancelled);
    return due;
  }

  get scheduled(): number {
    return this.tasks.filter((t) => !t.cancelled).length;
  }
}

