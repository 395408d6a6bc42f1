import { DataSource } from 'typeorm';
import { Clock, SignalBus } from '@spot/core';
import { DecisionEngine, DecisionInput, DecisionOutput } from '@spot/decisions';
import { ModelUploadSessionEntity } from '@spot/persistence';
import { OnnxModelEngine } from './onnx-engine';

/** How often a process looks for a model activated elsewhere (e.g. the scheduler after the API activated one). */
export const LIVE_MODEL_CHECK_MS = 10_000;
/** With a cross-process bus (Redis) connected, activations are broadcast; the poll is only a safety net. */
export const BROADCAST_MODEL_CHECK_MS = 5 * 60_000;
export const MODEL_SWAP_CHANNEL = 'model:live';

export const engineNameOf = (sessionId: string) => `onnx-${sessionId.slice(0, 8)}`;

/**
 * The active decision engine: the live uploaded model when there is one, the built-in (learned)
 * engine otherwise. Swapping models is a hot reload: the registry installs the new engine in this
 * process at once, and every other process notices the live session within LIVE_MODEL_CHECK_MS
 * and loads it from the shared model storage — no restart. With REDIS_URL set the activation is
 * broadcast (channel MODEL_SWAP_CHANNEL) and every process reloads on the message; the 10 s poll
 * comes back whenever the bus reaches this process only (no Redis, or Redis down).
 */
export class ActiveModelEngine extends DecisionEngine {
  private live: { sessionId: string; engine: OnnxModelEngine } | null = null;
  private checkedAt = -Infinity;
  private failedSessionId: string | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly builtin: DecisionEngine,
    private readonly clock: Clock,
    private readonly bus?: SignalBus,
  ) {
    super();
    bus?.subscribe(MODEL_SWAP_CHANNEL, (message) => {
      const sessionId = (message as { sessionId?: unknown } | null)?.sessionId ?? null;
      if (sessionId !== this.liveSessionId()) void this.refresh(true).then(() => this.notify(), () => undefined);
      else this.notify();
    });
  }

  private readonly swapListeners = new Set<(sessionId: string | null) => void>();

  /** Called after this process followed a broadcast model swap (tests wait on it). */
  onSwapped(listener: (sessionId: string | null) => void): () => void {
    this.swapListeners.add(listener);
    return () => this.swapListeners.delete(listener);
  }

  private notify(): void {
    for (const listener of [...this.swapListeners]) listener(this.liveSessionId());
  }

  get name(): string {
    return this.live?.engine.name ?? this.builtin.name;
  }

  get version(): string {
    return this.live?.engine.version ?? this.builtin.version;
  }

  /** The live session this process answers with (null: the built-in engine). */
  liveSessionId(): string | null {
    return this.live?.sessionId ?? null;
  }

  async decide(input: DecisionInput): Promise<DecisionOutput> {
    await this.refresh();
    return (this.live?.engine ?? this.builtin).decide(input);
  }

  /** Answer with `engine` from now on (null: the built-in engine); `announce` tells every other process. */
  async install(sessionId: string | null, engine: OnnxModelEngine | null, announce = true): Promise<void> {
    const previous = this.live;
    this.live = sessionId && engine ? { sessionId, engine } : null;
    this.checkedAt = this.clock.now().getTime();
    this.failedSessionId = null;
    if (previous && previous.engine !== engine) await previous.engine.release().catch(() => undefined);
    if (announce) await this.bus?.publish(MODEL_SWAP_CHANNEL, { sessionId: this.liveSessionId() }).catch(() => undefined);
  }

  /** Follows the live session recorded in the database (at most every LIVE_MODEL_CHECK_MS unless forced). */
  async refresh(force = false): Promise<void> {
    const now = this.clock.now().getTime();
    const every = this.bus?.crossProcess ? BROADCAST_MODEL_CHECK_MS : LIVE_MODEL_CHECK_MS;
    if (!force && now - this.checkedAt < every) return;
    this.checkedAt = now;
    const session = await this.dataSource.getRepository(ModelUploadSessionEntity).findOne({ where: { isLive: true }, order: { activatedAt: 'DESC' } });
    if (!session) {
      if (this.live) await this.install(null, null, false);
      return;
    }
    if (session.id === this.live?.sessionId || session.id === this.failedSessionId || !session.storagePath) return;
    try {
      await this.install(session.id, await OnnxModelEngine.load(session.storagePath, engineNameOf(session.id), session.checksum?.slice(0, 12) ?? '1'), false);
    } catch {
      // The file is not readable here: keep answering with what we have (the contract enforcer falls back anyway).
      this.failedSessionId = session.id;
    }
  }
}
