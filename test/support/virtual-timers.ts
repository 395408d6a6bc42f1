import { ManualClock } from '@spot/core';
import type { AgentTimers } from '../../apps/agent/src/spot-agent';

interface Task {
  due: number;
  work: () => void | Promise<unknown>;
  cancelled: boolean;
}

/**
 * Timers for a whole fleet in virtual time (agents' sleeps wait until the driver moves the clock).
 * Unlike a polling driver, settle() waits for events — a task finishing, or going to sleep — and
 * never for a slice of wall-clock time, so a busy machine makes it slower, never wrong (issue 22,
 * finding 12). The only wall-clock bound is a stall guard: no progress at all for `stallMs`.
 */
export class VirtualFleetTimers implements AgentTimers {
  private tasks: Task[] = [];
  private sleeping = 0;
  private readonly running = new Set<Promise<unknown>>();
  private wake: (() => void) | null = null;

  constructor(
    private readonly clock: ManualClock,
    private readonly stallMs = 300_000,
  ) {}

  sleep(ms: number): Promise<void> {
    this.sleeping += 1;
    this.changed();
    // Awake again as soon as the wake-up runs, so settle() waits for what the sleeper does next.
    return new Promise<void>((resolve) =>
      this.after(ms, () => {
        this.sleeping -= 1;
        resolve();
      }),
    );
  }

  after(ms: number, work: () => void | Promise<unknown>): () => void {
    const task: Task = { due: this.clock.nowMs() + ms, work, cancelled: false };
    this.tasks.push(task);
    return () => void (task.cancelled = true);
  }

  /** When the next scheduled work falls due (virtual ms), or null when nothing is scheduled. */
  nextDueAt(): number | null {
    const live = this.tasks.filter((t) => !t.cancelled);
    return live.length ? Math.min(...live.map((t) => t.due)) : null;
  }

  /** Runs the work due by now and waits until all of it has finished or sleeps until a later time, again while more falls due. */
  async settle(): Promise<void> {
    for (;;) {
      const due = this.takeDue();
      for (const task of due) {
        const result = task.work();
        if (result instanceof Promise) {
          const tracked: Promise<unknown> = result
            .catch(() => undefined)
            .finally(() => {
              this.running.delete(tracked);
              this.changed();
            });
          this.running.add(tracked);
        }
      }
      while (this.running.size > this.sleeping) await this.nextChange();
      if (!due.length && !this.tasks.some((t) => !t.cancelled && t.due <= this.clock.nowMs())) return;
    }
  }

  private changed(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private nextChange(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error(`virtual time stalled: ${this.running.size - this.sleeping} task(s) made no progress for ${this.stallMs} ms`)), this.stallMs);
      this.wake = () => {
        clearTimeout(guard);
        resolve();
      };
    });
  }

  private takeDue(): Task[] {
    const now = this.clock.nowMs();
    const due = this.tasks.filter((t) => !t.cancelled && t.due <= now).sort((a, b) => a.due - b.due);
    this.tasks = this.tasks.filter((t) => !t.cancelled && t.due > now);
    return due;
  }
}
