import { AgentTimers } from './agent-context';

/** After an outage, loops waiting out a long back-off run again this soon once /health answers. */
export const RESUME_WITHIN_MS = 5_000;
/** The control-plane back-off's ceiling. */
const MAX_BACKOFF_MS = 60_000;

export interface LoopOptions {
  /** Delay of the first round. */
  firstAfterSeconds?: number;
  /**
   * 'control-plane': failures back off exponentially (up to a minute), cut short when the API
   * answers /health again. 'none': the next round is always one interval away, whatever failed
   * (IMDS notices: a 2-minute notice must never be seen late).
   */
  backoff: 'control-plane' | 'none';
}

/**
 * The agent's periodic loops on the timers port. Loops that call the control plane share one
 * recovery probe: while any of them waits out a back-off longer than RESUME_WITHIN_MS, the
 * probe asks GET /health every RESUME_WITHIN_MS and, on an answer, runs them all at once.
 */
export class AgentLoops {
  private readonly cancels = new Set<() => void>();
  private readonly waiting = new Map<() => void, () => Promise<void>>();
  private probing: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly timers: AgentTimers,
    private readonly apiAnswers: () => Promise<boolean>,
    private readonly onFailure: (name: string, error: unknown, delayMs: number) => void,
  ) {}

  every(name: string, intervalSeconds: () => number, work: () => Promise<unknown>, options: LoopOptions): void {
    let failures = 0;
    const run = async (): Promise<void> => {
      if (this.stopped) return;
      let delayMs = intervalSeconds() * 1000;
      let failed = false;
      try {
        await work();
        failures = 0;
      } catch (error) {
        failed = true;
        failures += 1;
        if (options.backoff === 'control-plane') delayMs = Math.max(delayMs, Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(failures, 6)));
        this.onFailure(name, error, delayMs);
      }
      if (this.stopped) return;
      if (failed && options.backoff === 'control-plane' && delayMs > RESUME_WITHIN_MS) this.waitOrResume(delayMs, run);
      else this.later(delayMs, run);
    };
    this.later((options.firstAfterSeconds ?? 0) * 1000, run);
  }

  stop(): void {
    this.stopped = true;
    for (const cancel of this.cancels) cancel();
    this.cancels.clear();
    this.waiting.clear();
    this.probing?.();
    this.probing = undefined;
  }

  private later(ms: number, work: () => Promise<void>): () => void {
    const cancel = this.timers.after(ms, () => {
      this.cancels.delete(cancel);
      return work();
    });
    this.cancels.add(cancel);
    return cancel;
  }

  /** Waits out the back-off, or less when the recovery probe sees the API answer first. */
  private waitOrResume(delayMs: number, run: () => Promise<void>): void {
    const cancel = this.later(delayMs, () => {
      this.waiting.delete(cancel);
      return run();
    });
    this.waiting.set(cancel, run);
    this.probe();
  }

  private probe(): void {
    if (this.probing || this.stopped) return;
    const cancel = this.timers.after(RESUME_WITHIN_MS, async () => {
      this.cancels.delete(cancel);
      this.probing = undefined;
      if (this.stopped || this.waiting.size === 0) return;
      if (await this.apiAnswers()) {
        const resumed = [...this.waiting.entries()];
        this.waiting.clear();
        for (const [cancelWait, run] of resumed) {
          cancelWait();
          this.cancels.delete(cancelWait);
          if (!this.stopped) this.later(0, run);
        }
      } else {
        this.probe();
      }
    });
    this.cancels.add(cancel);
    this.probing = () => cancel();
  }
}
