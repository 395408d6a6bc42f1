import { EntityManager } from 'typeorm';
import {
  insertMany,
  PricingHeldObservationEntity,
  PricingSnapshotCleanEntity,
  PricingSnapshotInterpolatedEntity,
  ReporterRole,
} from '@spot/persistence';
import { BucketSources, HeldSource, judgeBucket, LEGACY_SOURCE, MAX_SOURCES_PER_BUCKET, mergeRoles, parseSources, serializeSources, SourceEntry } from './consensus';
import { BUCKET_MS, HOUR_MS } from './price-buckets';
import { keyOf, poolBucketFilter } from './pool-bucket-keys';

/** One source's new value for a pool and bucket. */
export interface SourceUpdate {
  poolId: string;
  bucketStart: Date;
  /** The client id, or `aws` for the control plane's own read. */
  sourceId: string;
  role: ReporterRole;
  price: number;
  onDemandPrice: number | null;
  /** The importer and the control plane's AWS read: corroborated by definition. */
  trusted?: boolean;
}

export interface FoldContext {
  /** The reporting agent, recorded on held values of its own client. */
  agentId: string | null;
  region: string;
}

export interface FoldResult {
  /** Clean points created or changed (rows whose sources alone changed are written but not listed). */
  written: PricingSnapshotCleanEntity[];
  /** keyOf(pool, bucket) of the buckets where the updating source's value is held. */
  heldKeys: Set<string>;
}

/** What a fold will write: computed from reads only, applied (in the caller's transaction) by `apply`. */
export interface FoldPlan extends FoldResult {
  /** Whether `apply` has anything to write. */
  hasWrites: boolean;
  rows: PricingSnapshotCleanEntity[];
  held: PricingHeldObservationEntity[];
  confirmations: Array<{ poolId: string; bucketStart: Date; sourceId: string; by: 'client' | 'aws' }>;
  replacedInterpolations: Array<{ poolId: string; bucketStart: Date }>;
  /** Buckets without a point whose held values this plan changes (null: the bucket now has a point). */
  heldOnlyAfter: Map<string, BucketSources | null>;
}

/** Rows before a bucket looked at for the previous clean value and for who else reports the pool. */
export const LOOKBACK_MS = HOUR_MS;
/** How far back the previous clean value is looked for when the last hour has none. */
export const REFERENCE_MAX_AGE_MS = 24 * HOUR_MS;

const samePrice = (a: number, b: number) => Math.abs(a - b) < 5e-7;
const DEEP_MEMO_MS = 5 * 60_000;
const DEEP_MEMO_MAX = 50_000;
const HELD_ONLY_CACHE_MS = 60_000;
const HELD_ONLY_CACHE_MAX = 50_000;

/**
 * Folds sources' new values into the clean series (one statement to read, one to write, whatever
 * the number of buckets): per bucket, the sources' values are kept in the clean row and the
 * point is their consensus (`judgeBucket`). Held values are recorded in
 * pricing_held_observations until something confirms them. No row locks (the fan-in of many
 * agents on one pool stays cheap): two clients' first reports of one bucket committing at the
 * same instant can each miss the other's entry; the raw trail keeps both, and the next report
 * restores it. A held value is never merged by that race, only an entry missed.
 */
export class ConsensusSeries {
  private readonly deepMemo = new Map<string, { row: PricingSnapshotCleanEntity | null; expiresAtMs: number }>();
  private readonly heldOnlyCache = new Map<string, { sources: BucketSources; expiresAtMs: number }>();

  constructor(private readonly threshold: number) {}

  /** Plans and applies in one go (callers that need no split, e.g. the AWS confirmation). */
  async fold(manager: EntityManager, updates: SourceUpdate[], context: FoldContext, now: Date): Promise<FoldResult> {
    const plan = await this.plan(manager, updates, context, now);
    await this.apply(manager, plan, now);
    this.remember(plan, now);
    return plan;
  }

  /**
   * Reads what the updated buckets hold (one statement; two more only for a pool's first bucket
   * or a bucket whose every value is held) and judges them. Writes nothing.
   */
  async plan(manager: EntityManager, updates: SourceUpdate[], context: FoldContext, now: Date): Promise<FoldPlan> {
    const heldKeys = new Set<string>();
    if (updates.length === 0) return { written: [], heldKeys, hasWrites: false, rows: [], held: [], confirmations: [], replacedInterpolations: [], heldOnlyAfter: new Map() };
    const poolIds = [...new Set(updates.map((u) => u.poolId))];
    const minBucket = Math.min(...updates.map((u) => u.bucketStart.getTime()));
    const maxBucket = Math.max(...updates.map((u) => u.bucketStart.getTime()));
    const rows = await this.readWindow(manager, poolIds, new Date(minBucket - LOOKBACK_MS), new Date(maxBucket));
    const byPool = new Map<string, PricingSnapshotCleanEntity[]>();
    for (const row of rows) {
      const list = byPool.get(row.poolId) ?? [];
      list.push(row);
      byPool.set(row.poolId, list);
    }
    for (const list of byPool.values()) list.sort((a, b) => a.bucketStart.getTime() - b.bucketStart.getTime());

    // Group the updates by bucket, oldest first, so a bucket's result is the next one's reference.
    const byBucket = new Map<string, SourceUpdate[]>();
    for (const u of updates) {
      const key = keyOf(u.poolId, u.bucketStart);
      const list = byBucket.get(key) ?? [];
      list.push(u);
      byBucket.set(key, list);
    }
    const buckets = [...byBucket.values()].sort((a, b) => a[0].bucketStart.getTime() - b[0].bucketStart.getTime());
    const deepReferences = await this.deepReferences(manager, buckets.map((b) => b[0]), byPool, now);
    const heldOnly = await this.heldWithoutPoint(manager, buckets.map((b) => b[0]), byPool, now);
    const heldOnlyAfter = new Map<string, BucketSources | null>();
    const heldStored = new Map<string, number>();
    for (const [key, sources] of heldOnly) for (const [id, e] of Object.entries(sources)) heldStored.set(`${key}|${id}`, e.p as number);

    const changed = new Map<string, PricingSnapshotCleanEntity>();
    /** Of the changed rows, those whose sources alone changed (the point stays what it was). */
    const sourcesOnly = new Set<string>();
    const heldRows: PricingHeldObservationEntity[] = [];
    const confirmations: Array<{ poolId: string; bucketStart: Date; sourceId: string; by: 'client' | 'aws' }> = [];
    const replacedInterpolations: Array<{ poolId: string; bucketStart: Date }> = [];
    for (const group of buckets) {
      const { poolId, bucketStart } = group[0];
      const key = keyOf(poolId, bucketStart);
      const list = byPool.get(poolId) ?? [];
      const row = list.find((r) => r.bucketStart.getTime() === bucketStart.getTime());
      const sources = row && row.dataSource !== 'interpolated' ? this.sourcesOf(row) : { ...heldOnly.get(key) };
      const heldBefore = new Set(Object.entries(sources).filter(([, e]) => e.h).map(([id]) => id));
      const heldPrices = new Map(Object.entries(sources).map(([id, e]) => [id, mergeRoles({ primary: e.p, replica: e.r }).price]));
      const heldOnlyPrice = (id: string) => heldPrices.get(id);
      for (const u of group) {
        const entry: SourceEntry = { ...(sources[u.sourceId] as SourceEntry | undefined) };
        if (u.role === 'primary') entry.p = u.price;
        else entry.r = u.price;
        if (u.trusted) entry.t = 1;
        if (sources[u.sourceId] || Object.keys(sources).length < MAX_SOURCES_PER_BUCKET) sources[u.sourceId] = entry;
      }
      const previous = this.previousPoint(list, bucketStart) ?? deepReferences.get(poolId) ?? null;
      // Without an earlier point (a pool's first bucket), the bucket's own measured point is the
      // incumbent: whoever reported first is judged right until others or AWS say otherwise.
      const reference = previous ? previous.spotPrice : row && row.dataSource !== 'interpolated' ? row.spotPrice : null;
      const judged = judgeBucket(sources, {
        reference,
        threshold: this.threshold,
        recentSources: () => this.recentSources(list, bucketStart),
      });
      for (const [id, e] of Object.entries(sources) as Array<[string, SourceEntry]>) {
        if (judged.held.has(id)) e.h = 1;
        else delete e.h;
        // Confirmed: held before, merged now, and not because the source itself reported a new value.
        if (heldBefore.has(id) && !judged.held.has(id) && !group.some((u) => u.sourceId === id && heldOnlyPrice(id) !== u.price)) {
          confirmations.push({ poolId, bucketStart, sourceId: id, by: Object.entries(sources).some(([sid, s]) => sid !== id && (s as SourceEntry).t) ? 'aws' : 'client' });
        }
      }
      const updating = new Set(group.map((u) => u.sourceId));
      for (const [id, h] of judged.held) {
        if (updating.has(id)) heldKeys.add(key);
        // A held value reported again unchanged is already on record.
        if (heldStored.get(`${key}|${id}`) === h.price || (heldBefore.has(id) && heldPrices.get(id) === h.price)) continue;
        if (!heldBefore.has(id) || updating.has(id)) heldRows.push(this.heldRow(poolId, bucketStart, id, h, updating.has(id) ? context.agentId : null, context.region, now));
      }
      const point = judged.point;
      const sourcesText = serializeSources(sources);
      if (heldOnly.has(key)) {
        const stillHeld: BucketSources = {};
        for (const [id, h] of judged.held) stillHeld[id] = { p: h.price, h: 1 };
        heldOnlyAfter.set(key, point ? null : stillHeld);
      }
      if (!point) {
        // Nothing mergeable: a measured point stays as it was, only its sources are updated.
        if (row && row.dataSource !== 'interpolated' && row.sources !== sourcesText) {
          changed.set(key, { ...row, sources: sourcesText, updatedAt: now });
          sourcesOnly.add(key);
        }
        continue;
      }
      const sameValue =
        row !== undefined &&
        row.dataSource === point.source &&
        samePrice(row.spotPrice, point.price) &&
        row.sourceCount === point.sourceCount &&
        row.flaggedForReview === point.flagged &&
        (row.clientCount ?? 1) === point.clientCount &&
        (row.capped ?? false) === point.capped;
      if (sameValue && row.sources === sourcesText) continue;
      if (sameValue) sourcesOnly.add(key);
      if (row?.dataSource === 'interpolated') replacedInterpolations.push({ poolId, bucketStart });
      const next: PricingSnapshotCleanEntity = {
        poolId,
        bucketStart,
        spotPrice: point.price,
        onDemandPrice: group[group.length - 1].onDemandPrice ?? row?.onDemandPrice ?? null,
        dataSource: point.source,
        confidenceScore: point.confidence,
        interpolationMethod: null,
        flaggedForReview: point.flagged,
        sourceCount: point.sourceCount,
        clientCount: point.clientCount,
        capped: point.capped,
        sources: sourcesText,
        createdAt: row?.createdAt ?? now,
        updatedAt: now,
      };
      changed.set(key, next);
      // Later buckets of this fold judge against what this one became.
      const at = list.indexOf(row as PricingSnapshotCleanEntity);
      if (at >= 0) list[at] = next;
      else {
        list.push(next);
        list.sort((a, b) => a.bucketStart.getTime() - b.bucketStart.getTime());
        byPool.set(poolId, list);
      }
    }
    const rowsToWrite = [...changed.values()];
    return {
      written: [...changed].filter(([key]) => !sourcesOnly.has(key)).map(([, row]) => row),
      heldKeys,
      hasWrites: rowsToWrite.length + heldRows.length + confirmations.length + replacedInterpolations.length > 0,
      rows: rowsToWrite,
      held: heldRows,
      confirmations,
      replacedInterpolations,
      heldOnlyAfter,
    };
  }

  async apply(manager: EntityManager, plan: FoldPlan, now: Date): Promise<void> {
    if (plan.hasWrites) await this.write(manager, plan.rows, plan.held, plan.confirmations, plan.replacedInterpolations, now);
  }

  /** After the plan's writes committed: this process's view of held-only buckets follows them. */
  remember(plan: FoldPlan, now: Date): void {
    for (const [key, sources] of plan.heldOnlyAfter) {
      if (sources === null) this.heldOnlyCache.delete(key);
      else this.heldOnlyCache.set(key, { sources, expiresAtMs: now.getTime() + HELD_ONLY_CACHE_MS });
    }
  }

  private sourcesOf(row: PricingSnapshotCleanEntity | undefined): BucketSources {
    if (!row || row.dataSource === 'interpolated') return {};
    const parsed = parseSources(row.sources);
    if (parsed) return parsed;
    // A point from before the consensus: its value counts as one source.
    return { [LEGACY_SOURCE]: row.dataSource === 'replica' ? { r: row.spotPrice } : { p: row.spotPrice } };
  }

  /** The latest measured point before the bucket within the window read. */
  private previousPoint(list: PricingSnapshotCleanEntity[], bucketStart: Date): PricingSnapshotCleanEntity | null {
    let found: PricingSnapshotCleanEntity | null = null;
    for (const r of list) {
      if (r.bucketStart.getTime() >= bucketStart.getTime()) break;
      if (r.dataSource !== 'interpolated') found = r;
    }
    return found;
  }

  private recentSources(list: PricingSnapshotCleanEntity[], bucketStart: Date): Set<string> {
    const found = new Set<string>();
    for (const r of list) {
      if (r.bucketStart.getTime() >= bucketStart.getTime() + BUCKET_MS) break;
      if (r.bucketStart.getTime() === bucketStart.getTime()) continue;
      for (const id of Object.keys(parseSources(r.sources) ?? {})) if (id !== LEGACY_SOURCE) found.add(id);
    }
    return found;
  }

  /**
   * For pools with no measured point in the window before their oldest updated bucket: the
   * latest one within 24 h, in one statement. Remembered per pool and bucket for a few minutes
   * in this process (only a reference to judge against: a late point older than an hour is
   * rare), so a pool's first bucket does not cost every report a lookup.
   */
  private async deepReferences(
    manager: EntityManager,
    firsts: SourceUpdate[],
    byPool: Map<string, PricingSnapshotCleanEntity[]>,
    now: Date,
  ): Promise<Map<string, PricingSnapshotCleanEntity>> {
    const oldest = new Map<string, Date>();
    for (const u of firsts) if (!oldest.has(u.poolId)) oldest.set(u.poolId, u.bucketStart);
    const found = new Map<string, PricingSnapshotCleanEntity>();
    const nowMs = now.getTime();
    const wanted: Array<{ poolId: string; bucketStart: Date }> = [];
    for (const [poolId, bucketStart] of oldest) {
      if (this.previousPoint(byPool.get(poolId) ?? [], bucketStart)) continue;
      const memo = this.deepMemo.get(keyOf(poolId, bucketStart));
      if (memo && memo.expiresAtMs > nowMs) {
        if (memo.row) found.set(poolId, memo.row);
      } else wanted.push({ poolId, bucketStart });
    }
    if (wanted.length === 0) return found;
    const params: Record<string, unknown> = {};
    const groups = wanted.map((w, i) => {
      params[`dp${i}`] = w.poolId;
      params[`db${i}`] = new Date(w.bucketStart.getTime() - LOOKBACK_MS);
      params[`ds${i}`] = new Date(w.bucketStart.getTime() - REFERENCE_MAX_AGE_MS);
      return `(q.pool_id = :dp${i} AND q.bucket_start < :db${i} AND q.bucket_start >= :ds${i})`;
    });
    const rows = await manager
      .getRepository(PricingSnapshotCleanEntity)
      .createQueryBuilder('p')
      .select(['p.poolId', 'p.bucketStart', 'p.spotPrice', 'p.dataSource'])
      .where(
        `p.bucket_start = (SELECT MAX(q.bucket_start) FROM pricing_snapshots_clean q WHERE q.pool_id = p.pool_id AND q.data_source <> 'interpolated' AND (${groups.join(' OR ')}))`,
        params,
      )
      .andWhere('p.pool_id IN (:...deepPools)', { deepPools: wanted.map((w) => w.poolId) })
      .getMany();
    for (const row of rows) found.set(row.poolId, row);
    if (this.deepMemo.size > DEEP_MEMO_MAX) this.deepMemo.clear();
    for (const w of wanted) this.deepMemo.set(keyOf(w.poolId, w.bucketStart), { row: found.get(w.poolId) ?? null, expiresAtMs: nowMs + DEEP_MEMO_MS });
    return found;
  }

  /**
   * A bucket whose every value was held has no clean row to keep its sources in: they are the
   * bucket's unconfirmed held values, so a second client's report can still confirm them.
   * Remembered 60 s per process (like the latest-price cache): another process's held value
   * shows within that time. A stale view can only delay a confirmation (a value missing from
   * it is not counted), never merge a held value.
   */
  private async heldWithoutPoint(
    manager: EntityManager,
    firsts: SourceUpdate[],
    byPool: Map<string, PricingSnapshotCleanEntity[]>,
    now: Date,
  ): Promise<Map<string, BucketSources>> {
    const found = new Map<string, BucketSources>();
    const missing = firsts.filter((u) => !(byPool.get(u.poolId) ?? []).some((r) => r.bucketStart.getTime() === u.bucketStart.getTime() && r.dataSource !== 'interpolated'));
    const unknown: SourceUpdate[] = [];
    for (const u of missing) {
      const cached = this.heldOnlyCache.get(keyOf(u.poolId, u.bucketStart));
      if (cached && cached.expiresAtMs > now.getTime()) found.set(keyOf(u.poolId, u.bucketStart), structuredClone(cached.sources));
      else unknown.push(u);
    }
    if (unknown.length === 0) return found;
    const filter = poolBucketFilter(unknown);
    const rows = await manager
      .getRepository(PricingHeldObservationEntity)
      .createQueryBuilder('h')
      .where(`h.confirmed_at IS NULL AND (${filter.sql})`, filter.params)
      .getMany();
    for (const u of unknown) found.set(keyOf(u.poolId, u.bucketStart), {});
    for (const h of rows) {
      const key = keyOf(h.poolId, h.bucketStart);
      found.set(key, { ...found.get(key), [h.clientId]: { p: h.spotPrice, h: 1 } });
    }
    if (this.heldOnlyCache.size > HELD_ONLY_CACHE_MAX) this.heldOnlyCache.clear();
    for (const u of unknown) {
      const key = keyOf(u.poolId, u.bucketStart);
      this.heldOnlyCache.set(key, { sources: structuredClone(found.get(key) as BucketSources), expiresAtMs: now.getTime() + HELD_ONLY_CACHE_MS });
    }
    return found;
  }

  private readWindow(manager: EntityManager, poolIds: string[], from: Date, to: Date): Promise<PricingSnapshotCleanEntity[]> {
    return manager
      .getRepository(PricingSnapshotCleanEntity)
      .createQueryBuilder('p')
      .where('p.pool_id IN (:...poolIds)', { poolIds })
      .andWhere('p.bucket_start >= :from AND p.bucket_start <= :to', { from, to })
      .getMany();
  }

  private heldRow(poolId: string, bucketStart: Date, clientId: string, held: HeldSource, agentId: string | null, region: string, now: Date): PricingHeldObservationEntity {
    return {
      poolId,
      bucketStart,
      clientId,
      agentId,
      region,
      spotPrice: held.price,
      referencePrice: held.reference,
      reason: held.reason,
      heldAt: now,
      confirmedAt: null,
      confirmedBy: null,
    };
  }

  private async write(
    manager: EntityManager,
    written: PricingSnapshotCleanEntity[],
    heldRows: PricingHeldObservationEntity[],
    confirmations: Array<{ poolId: string; bucketStart: Date; sourceId: string; by: 'client' | 'aws' }>,
    replacedInterpolations: Array<{ poolId: string; bucketStart: Date }>,
    now: Date,
  ): Promise<void> {
    if (written.length) {
      // A fixed order keeps concurrent reports from locking the same rows in opposite orders (MySQL deadlocks).
      written.sort((a, b) => a.poolId.localeCompare(b.poolId) || a.bucketStart.getTime() - b.bucketStart.getTime());
      await insertMany(manager, PricingSnapshotCleanEntity, written, {
        upsert: {
          conflict: ['pool_id', 'bucket_start'],
          update: ['spot_price', 'on_demand_price', 'data_source', 'confidence_score', 'interpolation_method', 'flagged_for_review', 'source_count', 'client_count', 'capped', 'sources', 'updated_at'],
        },
      });
    }
    const held = heldRows;
    if (held.length) {
      held.sort((a, b) => a.poolId.localeCompare(b.poolId) || a.bucketStart.getTime() - b.bucketStart.getTime() || a.clientId.localeCompare(b.clientId));
      await insertMany(manager, PricingHeldObservationEntity, held, {
        upsert: { conflict: ['pool_id', 'bucket_start', 'client_id'], update: ['agent_id', 'spot_price', 'reference_price', 'reason', 'held_at', 'confirmed_at', 'confirmed_by'] },
      });
    }
    for (const c of confirmations) {
      await manager
        .createQueryBuilder()
        .update(PricingHeldObservationEntity)
        .set({ confirmedAt: now, confirmedBy: c.by })
        .where('pool_id = :poolId AND bucket_start = :bucketStart AND client_id = :clientId AND confirmed_at IS NULL', { poolId: c.poolId, bucketStart: c.bucketStart, clientId: c.sourceId })
        .execute();
    }
    if (replacedInterpolations.length) {
      const filter = poolBucketFilter(replacedInterpolations);
      await manager
        .createQueryBuilder()
        .update(PricingSnapshotInterpolatedEntity)
        .set({ replacedAt: now })
        .where(`replaced_at IS NULL AND (${filter.sql})`, filter.params)
        .execute();
    }
  }
}
