import { ManualClock } from '@spot/core';
import { AgentTimers } from './spot-agent';

/** Timers on a manual clock (tests, time-compressed fleets): sleeping moves time; scheduled work runs when told. */
export class ManualTimers implements AgentTimers {
  private tasks: Array<{ due: number; work: () => void | Promise<unknown>; cancelled: boolean }> = [];

  constructor(private readonly clock: ManualClock) {}

  async sleep(ms: number): Promise<void> {
    this.clock.advance(ms);
  }

  after(ms: number, work: () => void | Promise<unknown>): () => void {
    const task = { due: this.clock.nowMs() + ms, work, cancelled: false };
    this.tasks.push(task);
    return () => void (task.cancelled = true);
  }

  /** Runs the work that is due by now (without waiting for it). */
  runDue(): number {
    return this.takeDue().map((t) => t.work()).length;
  }

  /** Runs the due work and waits until it has finished, again while more falls due. */
  async settle(): Promise<void> {
    for (let due = this.takeDue(); due.length; due = this.takeDue()) await Promise.all(due.map((t) => t.work()));
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

