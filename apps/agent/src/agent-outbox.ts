import { AgentReportBodies, AgentReportKind, REPORT_ROUTES } from './control-plane.client';
import { QueuedReport, ReportQueue } from './report-queue';

/** The typed front of the on-disk report queue: each kind takes its wire DTO and its route. */
export class AgentOutbox {
  constructor(readonly queue: ReportQueue) {}

  add<K extends AgentReportKind>(kind: K, body: AgentReportBodies[K], options: { ref?: string; key?: string } = {}): QueuedReport {
    const route = REPORT_ROUTES[kind];
    return this.queue.enqueue(kind, route.method, route.path(options.ref), body as unknown as Record<string, unknown>, options.key, options.ref);
  }
}
