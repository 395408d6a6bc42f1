import { HeldReason, PriceDataSource, ReporterRole } from '@spot/persistence';
import { CONFIDENCE } from './price-buckets';

/**
 * The consensus of a pool's 5-minute bucket (DESIGN.md §9, "shared data is a consensus, never the
 * last writer"). Pure: the data valve reads the bucket's sources and the previous clean value,
 * and writes what this decides.
 */

/** Where the control plane's own DescribeSpotPriceHistory read sits among the sources. */
export const AWS_SOURCE = 'aws';
/** A clean point written before sources were kept: its value counts as one anonymous source. */
export const LEGACY_SOURCE = 'legacy';
/** Sources kept per bucket: enough for a median; a further client's value is not counted (its raw rows are kept). */
export const MAX_SOURCES_PER_BUCKET = 32;
/** Default threshold (`PRICE_CONSENSUS_THRESHOLD_PERCENT`). */
export const DEFAULT_CONSENSUS_THRESHOLD = 0.25;

/** One source's latest values in the bucket: per role (a client's own primary/replica merge), and whether it is held. */
export interface SourceEntry {
  p?: number;
  r?: number;
  /** Held as a suspect at the last judgement. */
  h?: 1;
  /** A trusted source (the control plane's AWS read, the operator's import): corroborated by definition. */
  t?: 1;
}

/** clientId (or `aws`) → its entry. */
export type BucketSources = Record<string, SourceEntry>;

export interface MergedPrice {
  price: number;
  source: PriceDataSource;
  confidence: number;
  flagged: boolean;
  /** Role measurements behind a single client's value (1 or 2); for a consensus, the clients. */
  sourceCount: number;
}

/** Primary and replica within this relative difference agree; beyond it they are averaged and flagged (seed 001). */
export const AGREEMENT_TOLERANCE = 0.005;

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/** Seed 001 deduplication within one client: one value from its primary's and its replica's measurements. */
export function mergeRoles(values: Partial<Record<ReporterRole, number>>): MergedPrice {
  const { primary, replica } = values;
  if (primary !== undefined && replica !== undefined) {
    if (Math.abs(primary - replica) / primary < AGREEMENT_TOLERANCE) {
      return { price: primary, source: 'primary', confidence: CONFIDENCE.primary, flagged: false, sourceCount: 2 };
    }
    return { price: round6((primary + replica) / 2), source: 'averaged', confidence: CONFIDENCE.replica, flagged: true, sourceCount: 2 };
  }
  if (primary !== undefined) return { price: primary, source: 'primary', confidence: CONFIDENCE.primary, flagged: false, sourceCount: 1 };
  return { price: replica as number, source: 'replica', confidence: CONFIDENCE.replica, flagged: false, sourceCount: 1 };
}

export interface HeldSource {
  reason: HeldReason;
  price: number;
  /** What the value was judged against. */
  reference: number | null;
}

export interface ConsensusPoint extends MergedPrice {
  clientCount: number;
  capped: boolean;
}

export interface BucketJudgement {
  /** The clean value, or null when nothing can be merged (every source held). */
  point: ConsensusPoint | null;
  accepted: string[];
  held: Map<string, HeldSource>;
}

export interface JudgeContext {
  /** The previous clean value of the pool (not a fill, not capped), if recent enough to judge against. */
  reference: number | null;
  /** Relative distance beyond which two values disagree (0.25 = 25 %). */
  threshold: number;
  /** Clients (other than any given one) that reported this pool recently: asked only for a lone jump. */
  recentSources(): Set<string>;
}

/** a and b agree: at most `threshold` apart, relative to the smaller. */
export function agree(a: number, b: number, threshold: number): boolean {
  return Math.abs(a - b) <= threshold * Math.min(a, b) + 1e-9;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : round6((sorted[mid - 1] + sorted[mid]) / 2);
}

/**
 * The clean value of a bucket is the median over distinct sources, each counting once.
 * - A value another source agrees with is *corroborated* (a second client, or the control
 *   plane's own AWS read, confirms it).
 * - A value within the threshold of the previous clean value is *consistent*.
 * - Values neither corroborated nor consistent are held (a jump with no second source, or far
 *   from the others); so is an uncorroborated value far from the median of the rest.
 * - A pool only this client reported recently still works: its lone jump is merged capped at
 *   the threshold from the previous value, flagged, at lower confidence; the value itself stays held.
 */
export function judgeBucket(sources: BucketSources, context: JudgeContext): BucketJudgement {
  const { reference, threshold } = context;
  const values = Object.entries(sources)
    .filter(([, e]) => e.p !== undefined || e.r !== undefined)
    .map(([id, e]) => ({ id, trusted: e.t === 1, merged: mergeRoles({ primary: e.p, replica: e.r }) }));
  const corroborated = new Set(
    values.filter((v) => v.trusted || values.some((w) => w.id !== v.id && agree(w.merged.price, v.merged.price, threshold))).map((v) => v.id),
  );
  const consistent = (price: number) => reference === null || agree(price, reference, threshold);

  let accepted = values.filter((v) => corroborated.has(v.id) || consistent(v.merged.price));
  if (accepted.length > 1) {
    const m = median(accepted.map((v) => v.merged.price));
    const close = accepted.filter((v) => corroborated.has(v.id) || agree(v.merged.price, m, threshold));
    // Values that all disagree: with a previous value they are each consistent with it and stay
    // (their median is too); without one nothing says which is right, so all are held.
    if (close.length > 0) accepted = close;
    else if (reference === null) accepted = [];
  }
  const acceptedIds = new Set(accepted.map((v) => v.id));
  const consensus = accepted.length ? median(accepted.map((v) => v.merged.price)) : null;

  const held = new Map<string, HeldSource>();
  for (const v of values) {
    if (acceptedIds.has(v.id)) continue;
    if (consensus !== null) held.set(v.id, { reason: 'far_from_consensus', price: v.merged.price, reference: consensus });
    else if (reference !== null && !consistent(v.merged.price)) held.set(v.id, { reason: 'jump', price: v.merged.price, reference });
    else held.set(v.id, { reason: 'conflicting_sources', price: v.merged.price, reference: null });
  }

  let point: ConsensusPoint | null = null;
  if (accepted.length === 1) {
    point = { ...accepted[0].merged, clientCount: 1, capped: false };
  } else if (accepted.length > 1) {
    point = { price: consensus as number, source: 'consensus', confidence: CONFIDENCE.primary, flagged: false, sourceCount: accepted.length, clientCount: accepted.length, capped: false };
  } else if (values.length === 1 && reference !== null && held.get(values[0].id)?.reason === 'jump') {
    const only = values[0];
    const others = [...context.recentSources()].filter((id) => id !== only.id);
    if (others.length === 0) {
      const capped = round6(Math.min(reference * (1 + threshold), Math.max(reference * (1 - threshold), only.merged.price)));
      point = { ...only.merged, price: capped, confidence: Math.min(only.merged.confidence, CONFIDENCE.capped), flagged: true, clientCount: 1, capped: true };
    }
  }
  return { point, accepted: [...acceptedIds], held };
}

/** Compact JSON of a bucket's sources, in a stable key order so an unchanged bucket serialises the same. */
export function serializeSources(sources: BucketSources): string {
  const ordered: BucketSources = {};
  for (const id of Object.keys(sources).sort()) {
    const e = sources[id];
    ordered[id] = { ...(e.p !== undefined ? { p: e.p } : {}), ...(e.r !== undefined ? { r: e.r } : {}), ...(e.h ? { h: 1 as const } : {}), ...(e.t ? { t: 1 as const } : {}) };
  }
  return JSON.stringify(ordered);
}

export function parseSources(text: string | null | undefined): BucketSources | null {
  if (!text) return null;
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as BucketSources) : null;
  } catch {
    return null;
  }
}
