import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AdvisorFile, advisorFileProblems, InstanceCatalog } from '@spot/catalog';
import { Clock, StructuredLogger } from '@spot/core';
import { SystemEventLog } from '@spot/persistence';

export const SPOT_ADVISOR_REFRESHED_EVENT = 'spot_advisor.refreshed';
export const SPOT_ADVISOR_SKIPPED_EVENT = 'spot_advisor.refresh_skipped';

/** The part of fetch the refresh uses; injected so tests point it at a local server (or anything). */
export type FetchLike = (url: string, init: { signal: AbortSignal; headers?: Record<string, string> }) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

/** The real document is about 1 MB; anything past this is not it. */
const MAX_BYTES = 50 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 60_000;

export type SpotAdvisorRefreshOutcome = { status: 'refreshed'; regions: number; types: number } | { status: 'skipped'; reason: string };

/**
 * Seed 003 SVC-SCRAPE-01: the Spot Instance Advisor document from SPOT_ADVISOR_URL every 6 hours.
 * A document that answers, parses and has the expected structure (advisorFileProblems) becomes the
 * catalog's data and the last good copy on disk (written to a temp file and renamed, so a crash
 * never leaves half a file). Anything else — an unreachable URL, an HTTP error, not JSON, a wrong
 * shape — is skipped, counted and reported as a `spot_advisor.refresh_skipped` event; the last
 * good copy (or the shipped file) stays in use.
 */
export class RefreshSpotAdvisor {
  private skippedSinceSuccess = 0;

  constructor(
    private readonly catalog: InstanceCatalog,
    private readonly events: SystemEventLog,
    private readonly clock: Clock,
    private readonly options: { url: string; cachePath: string; fetch: FetchLike; logger?: StructuredLogger; timeoutMs?: number },
  ) {}

  async run(): Promise<SpotAdvisorRefreshOutcome> {
    const fetched = await this.download();
    if ('reason' in fetched) return this.skip(fetched.reason);
    const problems = advisorFileProblems(fetched.doc);
    if (problems.length) return this.skip(`the document does not have the Spot Advisor structure: ${problems.slice(0, 3).join('; ')}`);
    const doc = fetched.doc as AdvisorFile;
    try {
      mkdirSync(dirname(this.options.cachePath), { recursive: true });
      const temp = `${this.options.cachePath}.${process.pid}.tmp`;
      writeFileSync(temp, fetched.text);
      renameSync(temp, this.options.cachePath);
    } catch (error) {
      // Still use it in this process; the next run tries to keep it again.
      this.options.logger?.event({ level: 'warn', component: 'WORK-SCHED', action: 'SPOT_ADVISOR', result: 'FAILURE', message: `could not keep the copy at ${this.options.cachePath}: ${String(error)}` });
    }
    this.catalog.useAdvisorData(doc);
    this.skippedSinceSuccess = 0;
    const regions = Object.keys(doc.spot_advisor).length;
    const types = Object.keys(doc.instance_types).length;
    await this.events.record({
      eventType: SPOT_ADVISOR_REFRESHED_EVENT,
      component: 'WORK-SCHED',
      message: `Spot Advisor data refreshed from ${this.options.url}: ${regions} regions, ${types} instance types`,
      metadata: { url: this.options.url, regions, types, fetched_at: this.clock.now().toISOString() },
    });
    return { status: 'refreshed', regions, types };
  }

  private async download(): Promise<{ doc: unknown; text: string } | { reason: string }> {
    let text: string;
    try {
      const response = await this.options.fetch(this.options.url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
      if (!response.ok) return { reason: `${this.options.url} answered HTTP ${response.status}` };
      text = await response.text();
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { reason: `${this.options.url} is unreachable: ${cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))}` };
    }
    if (text.length > MAX_BYTES) return { reason: `the document is larger than ${MAX_BYTES} bytes` };
    try {
      return { doc: JSON.parse(text), text };
    } catch {
      return { reason: 'the document is not JSON' };
    }
  }

  private async skip(reason: string): Promise<SpotAdvisorRefreshOutcome> {
    this.skippedSinceSuccess += 1;
    this.options.logger?.event({ level: 'warn', component: 'WORK-SCHED', action: 'SPOT_ADVISOR', result: 'SKIPPED', message: `${reason}; keeping the last good copy` });
    await this.events.record({
      eventType: SPOT_ADVISOR_SKIPPED_EVENT,
      component: 'WORK-SCHED',
      severity: 'warning',
      message: `Spot Advisor refresh skipped: ${reason}; the last good copy stays in use`,
      metadata: { url: this.options.url, reason, skipped_since_success: this.skippedSinceSuccess },
    });
    return { status: 'skipped', reason };
  }
}

/**
 * The last good Spot Advisor copy on disk, for processes that start after a refresh and for the
 * API, which does not refresh itself: loaded when it is valid and newer than what is in use.
 */
export class SpotAdvisorCopy {
  private loadedMtime: number | null = null;

  constructor(
    private readonly catalog: InstanceCatalog,
    private readonly cachePath: string,
    private readonly logger?: StructuredLogger,
  ) {}

  /** True when a (new) copy was loaded. A broken copy is ignored: the data in use stays. */
  loadIfChanged(): boolean {
    let mtime: number;
    try {
      mtime = statSync(this.cachePath).mtimeMs;
    } catch {
      return false; // no copy yet: the shipped file serves
    }
    if (mtime === this.loadedMtime) return false;
    this.loadedMtime = mtime;
    try {
      const doc: unknown = JSON.parse(readFileSync(this.cachePath, 'utf8'));
      const problems = advisorFileProblems(doc);
      if (problems.length) throw new Error(problems.join('; '));
      this.catalog.useAdvisorData(doc as AdvisorFile);
      return true;
    } catch (error) {
      this.logger?.event({ level: 'warn', component: 'CORE-API', action: 'SPOT_ADVISOR', result: 'SKIPPED', message: `ignoring the copy at ${this.cachePath}: ${error instanceof Error ? error.message : String(error)}` });
      return false;
    }
  }
}
