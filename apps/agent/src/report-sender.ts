import { StructuredLogger } from '@spot/core';
import { ControlPlaneClient, ControlPlaneError } from './control-plane.client';
import { QueuedReport, ReportQueue } from './report-queue';

export interface SenderSession {
  agentId: string;
  agentToken: string;
}

export interface FlushOutcome {
  delivered: number;
  dropped: number;
  /** Still queued (the control plane is away, or refused the session). */
  remaining: number;
  /** Last transient failure, when delivery stopped early. */
  error?: ControlPlaneError;
}

/**
 * Delivers the report queue in order, one at a time, each with its idempotency key. A
 * transient failure (network, 5xx, 429) stops the flush with the report still at the head; a
 * refused session (401, or 404 on the agent) asks for a new one first; a report the control
 * plane refuses for good (other 4xx) is dropped with a log line, so one bad report never blocks
 * the rest.
 */
export class ReportSender {
  private running: Promise<FlushOutcome> | undefined;

  constructor(
    private readonly queue: ReportQueue,
    private readonly client: ControlPlaneClient,
    private readonly session: () => Promise<SenderSession>,
    private readonly renewSession: () => Promise<void>,
    private readonly logger: StructuredLogger,
    private readonly onContact: (ok: boolean) => void,
  ) {}

  /** Answers of delivered reports, by queue sequence (the agent reads some, e.g. termination outcomes). */
  readonly answers = new Map<number, unknown>();

  flush(): Promise<FlushOutcome> {
    this.running ??= this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  private async drain(): Promise<FlushOutcome> {
    const outcome: FlushOutcome = { delivered: 0, dropped: 0, remaining: this.queue.size };
    let renewed = false;
    for (let item = this.queue.head(); item; item = this.queue.head()) {
      try {
        this.answers.set(item.seq, await this.deliver(item));
        this.queue.ack(item.seq);
        outcome.delivered += 1;
        renewed = false;
        this.onContact(true);
      } catch (error) {
        if (!(error instanceof ControlPlaneError)) throw error;
        if (error.transient) {
          this.onContact(false);
          outcome.error = error;
          break;
        }
        this.onContact(true);
        if ((error.status === 401 || error.status === 404) && !renewed && !error.code?.endsWith('COMMAND_NOT_FOUND')) {
          renewed = true;
          await this.renewSession();
          continue;
        }
        this.logger.event({ level: 'warn', component: 'CORE-AGENT', action: 'REPORT-DROPPED', result: 'FAILURE', message: `${item.kind} #${item.seq} refused (${error.status} ${error.code ?? ''}): ${error.message}` });
        this.queue.drop(item.seq, `${error.status} ${error.code ?? ''} ${error.message}`);
        outcome.dropped += 1;
        renewed = false;
      }
    }
    outcome.remaining = this.queue.size;
    return outcome;
  }

  private async deliver(item: QueuedReport): Promise<unknown> {
    const { agentId, agentToken } = await this.session();
    return this.client.deliver(item, agentId, agentToken);
  }
}
