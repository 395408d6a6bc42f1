/**
 * Broadcasts between processes: a message published on a channel reaches every subscriber of
 * every process (Redis pub/sub when REDIS_URL is set, libs/redis), or of this process only
 * (InProcessSignalBus, the default). Messages are hints that make a change visible at once
 * (a risk flag, SAFE_MODE, a model hot-swap); the state itself is always stored elsewhere, so a
 * lost message only delays what polling or a cache expiry would show anyway.
 */
export abstract class SignalBus {
  abstract publish(channel: string, message: unknown): Promise<void>;
  /** Calls `handler` for every message on the channel; returns the unsubscribe. */
  abstract subscribe(channel: string, handler: (message: unknown) => void): () => void;
  /** True while messages reach other processes too (a shared bus is connected right now). */
  abstract get crossProcess(): boolean;
}

export class InProcessSignalBus extends SignalBus {
  private readonly handlers = new Map<string, Set<(message: unknown) => void>>();

  get crossProcess(): boolean {
    return false;
  }

  async publish(channel: string, message: unknown): Promise<void> {
    // A copy, as a remote subscriber would receive one.
    const copy = JSON.parse(JSON.stringify(message ?? null)) as unknown;
    for (const handler of [...(this.handlers.get(channel) ?? [])]) {
      try {
        handler(copy);
      } catch {
        // One failing subscriber must not keep the message from the others.
      }
    }
  }

  subscribe(channel: string, handler: (message: unknown) => void): () => void {
    let set = this.handlers.get(channel);
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(handler);
    return () => set!.delete(handler);
  }
}
