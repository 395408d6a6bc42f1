import { EntityManager, In } from 'typeorm';
import { azInRegion, InstanceCatalog } from '@spot/catalog';
import { Clock, IdGenerator, sha256Hex } from '@spot/core';
import {
  PriceDataSource,
  PricingSnapshotCleanEntity,
  PricingSnapshotInterpolatedEntity,
  PricingSubmissionRawEntity,
  ReporterRole,
  TransactionRunner,
  insertRow,
  isUniqueViolation,
} from '@spot/persistence';
import { LatestPriceCache } from './latest-price-cache';
import { BUCKET_MS, bucketStartOf, CONFIDENCE, RETENTION } from './price-buckets';
import { PoolDirectory, spotPoolId } from './pool-directory';
import { byPoolAndBucket, keyOf, poolBucketFilter } from './pool-bucket-keys';

/** One price as an agent (or the importer) saw it; fields may be missing, the valve checks them. */
export interface PriceObservationInput {
  instanceType?: string | null;
  az?: string | null;
  spotPrice?: number | null;
  onDemandPrice?: number | null;
  observedAt?: Date | string | null;
}

export interface PriceReport {
  clientId: string;
  agentId: string;
  /** The instance the reporting agent runs on, when it said so. */
  instanceId: string | null;
  role: ReporterRole;
  /** The agent's region: AZs of other regions are refused. */
  region: string;
  observations: PriceObservationInput[];
}

export interface IngestOptions {
  /** Oldest acceptable observation, relative to now; the raw retention (7 days) unless the importer says otherwise. */
  maxAgeMs?: number;
}

export type RejectionCode =
  | 'MISSING_FIELD'
  | 'INVALID_PRICE'
  | 'PRICE_ABOVE_LIMIT'
  | 'INVALID_TIMESTAMP'
  | 'TIMESTAMP_IN_FUTURE'
  | 'TIMESTAMP_TOO_OLD'
  | 'UNKNOWN_INSTANCE_TYPE'
  | 'AZ_NOT_IN_REGION';

export interface RejectedObservation {
  /** Position of the observation in the report. */
  index: number;
  code: RejectionCode;
  field: string;
  reason: string;
}

export interface IngestResult {
  batchId: string;
  /** Valid observations, stored now or by an earlier identical report. */
  accepted: number;
  /** Of the accepted, how many were new (written to the raw audit trail). */
  stored: number;
  /** Of the accepted, how many had been received before (retries): they change nothing. */
  duplicates: number;
  rejected: RejectedObservation[];
  /** Clean 5-minute points created or changed. */
  bucketsWritten: number;
}

/** Primary and replica within this relative difference agree; beyond it they are averaged and flagged (seed 001). */
export const AGREEMENT_TOLERANCE = 0.005;
/** A spot price above this multiple of the on-demand price is a measurement error. */
export const MAX_ON_DEMAND_MULTIPLE = 10;
/** How far in the future an agent's clock may run. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
export const MAX_OBSERVATIONS_PER_REPORT = 1000;

interface ValidObservation {
  poolId: string;
  instanceType: string;
  az: string;
  spotPrice: number;
  onDemandPrice: number | null;
  observedAt: Date;
  bucketStart: Date;
  dedupKey: string;
}

type RoleValues = Partial<Record<ReporterRole, number>>;

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
const samePrice = (a: number, b: number) => Math.abs(a - b) < 5e-7;

/**
 * The one way prices enter the database (seed 000 Data Valve): validation, the raw audit trail,
 * deduplication of retries, and the merge of primary and replica measurements into the clean
 * 5-minute series. One transaction per report, set-wise statements only.
 */
export class PriceIngest {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly catalog: InstanceCatalog,
    private readonly pools: PoolDirectory,
    private readonly cache: LatestPriceCache,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async ingest(report: PriceReport, options: IngestOptions = {}): Promise<IngestResult> {
    const batchId = this.ids.uuid();
    const now = this.clock.now();
    const { valid, rejected } = this.validate(report, now, options.maxAgeMs ?? RETENTION.rawMs);
    if (valid.length === 0) return { batchId, accepted: 0, stored: 0, duplicates: 0, rejected, bucketsWritten: 0 };

    const seenPools = new Map(valid.map((o) => [o.poolId, o]));
    for (const o of seenPools.values()) await this.pools.ensure(o.instanceType, report.region, o.az);

    const outcome = await this.storeOnce(async (manager) => {
      const known = await this.existingKeys(manager, valid.map((o) => o.dedupKey));
      const fresh: ValidObservation[] = [];
      for (const o of valid) {
        if (known.has(o.dedupKey)) continue;
        known.add(o.dedupKey); // the same observation twice in one report counts once
        fresh.push(o);
      }
      if (fresh.length === 0) return { stored: 0, written: [] as PricingSnapshotCleanEntity[] };
      await insertRow(
        manager,
        PricingSubmissionRawEntity,
        fresh.map((o) => ({
          id: this.ids.uuid(),
          clientId: report.clientId,
          agentId: report.agentId,
          instanceId: report.instanceId,
          reporterRole: report.role,
          poolId: o.poolId,
          instanceType: o.instanceType,
          region: report.region,
          az: o.az,
          spotPrice: o.spotPrice,
          onDemandPrice: o.onDemandPrice,
          observedAt: o.observedAt,
          receivedAt: now,
          dedupKey: o.dedupKey,
          batchId,
        })),
      );
      const written = await this.mergeIntoCleanSeries(manager, report.role, fresh, now);
      return { stored: fresh.length, written };
    });
    for (const row of outcome.written) await this.cache.offer(row);
    return {
      batchId,
      accepted: valid.length,
      stored: outcome.stored,
      duplicates: valid.length - outcome.stored,
      rejected,
      bucketsWritten: outcome.written.length,
    };
  }

  /**
   * The same report retried while the first attempt is still in flight can pass the dedup read
   * in both; the unique dedup key stops the second insert, and running it again makes it a
   * plain duplicate.
   */
  private async storeOnce<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.tx.run(work);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return this.tx.run(work);
    }
  }

  private validate(report: PriceReport, now: Date, maxAgeMs: number): { valid: ValidObservation[]; rejected: RejectedObservation[] } {
    const valid: ValidObservation[] = [];
    const rejected: RejectedObservation[] = [];
    report.observations.forEach((item, index) => {
      const reject = (code: RejectionCode, field: string, reason: string) => rejected.push({ index, code, field, reason });
      const missing = (['instanceType', 'az', 'spotPrice', 'observedAt'] as const).find((f) => item[f] === undefined || item[f] === null || item[f] === '');
      if (missing) return reject('MISSING_FIELD', wireName(missing), `${wireName(missing)} is required`);
      const instanceType = String(item.instanceType);
      const az = String(item.az);
      const spotPrice = Number(item.spotPrice);
      if (!Number.isFinite(spotPrice) || spotPrice <= 0) return reject('INVALID_PRICE', 'spot_price', 'spot_price must be a number above 0');
      const reportedOnDemand = item.onDemandPrice === undefined || item.onDemandPrice === null ? null : Number(item.onDemandPrice);
      if (reportedOnDemand !== null && (!Number.isFinite(reportedOnDemand) || reportedOnDemand <= 0)) {
        return reject('INVALID_PRICE', 'on_demand_price', 'on_demand_price must be a number above 0');
      }
      const observedAt = item.observedAt instanceof Date ? item.observedAt : new Date(String(item.observedAt));
      if (Number.isNaN(observedAt.getTime())) return reject('INVALID_TIMESTAMP', 'observed_at', 'observed_at must be an ISO 8601 time');
      if (observedAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) return reject('TIMESTAMP_IN_FUTURE', 'observed_at', 'observed_at is more than 5 minutes in the future');
      if (observedAt.getTime() < now.getTime() - maxAgeMs) return reject('TIMESTAMP_TOO_OLD', 'observed_at', 'observed_at is older than the 7-day raw retention window');
      if (!this.catalog.has(instanceType)) return reject('UNKNOWN_INSTANCE_TYPE', 'instance_type', `${instanceType} is not a known EC2 instance type`);
      if (!azInRegion(az, report.region)) return reject('AZ_NOT_IN_REGION', 'az', `${az} is not an availability zone of ${report.region}`);
      // The catalog's on-demand price is authoritative; the agent's is used where the catalog has none.
      const onDemandPrice = this.catalog.onDemandPrice(report.region, instanceType) ?? reportedOnDemand;
      if (onDemandPrice !== null && spotPrice > onDemandPrice * MAX_ON_DEMAND_MULTIPLE) {
        return reject('PRICE_ABOVE_LIMIT', 'spot_price', `spot_price ${spotPrice} is more than ${MAX_ON_DEMAND_MULTIPLE}x the on-demand price ${onDemandPrice}`);
      }
      const poolId = spotPoolId(instanceType, az);
      const price = round6(spotPrice);
      valid.push({
        poolId,
        instanceType,
        az,
        spotPrice: price,
        onDemandPrice: onDemandPrice === null ? null : round6(onDemandPrice),
        observedAt,
        bucketStart: bucketStartOf(observedAt),
        dedupKey: sha256Hex(`${report.agentId}|${poolId}|${observedAt.getTime()}|${price.toFixed(6)}`),
      });
    });
    return { valid, rejected };
  }

  private async existingKeys(manager: EntityManager, keys: string[]): Promise<Set<string>> {
    const rows = await manager.getRepository(PricingSubmissionRawEntity).find({ select: { dedupKey: true }, where: { dedupKey: In([...new Set(keys)]) } });
    return new Set(rows.map((r) => r.dedupKey));
  }

  /**
   * Folds new observations into their buckets. A bucket keeps, per role, the latest value seen;
   * primary and replica within 0.5 % give the primary's value, otherwise their average, flagged.
   * Only buckets whose value changes are written, so repeated reports of the same market price
   * (many agents watching one pool) cost one read and no write.
   */
  private async mergeIntoCleanSeries(manager: EntityManager, role: ReporterRole, fresh: ValidObservation[], now: Date): Promise<PricingSnapshotCleanEntity[]> {
    // Latest observation per bucket within this report.
    const incoming = new Map<string, ValidObservation>();
    for (const o of [...fresh].sort((a, b) => a.observedAt.getTime() - b.observedAt.getTime())) incoming.set(keyOf(o.poolId, o.bucketStart), o);
    const keys = [...incoming.values()].map((o) => ({ poolId: o.poolId, bucketStart: o.bucketStart }));
    const existing = byPoolAndBucket(await this.readClean(manager, keys));

    // Buckets that already merged both roles are recomputed from the raw trail (which now holds this report too).
    const combined = keys.filter((k) => {
      const row = existing.get(keyOf(k.poolId, k.bucketStart));
      return row !== undefined && (row.dataSource === 'averaged' || row.sourceCount > 1);
    });
    const fromRaw = combined.length ? await this.latestPerRole(manager, combined) : new Map<string, RoleValues>();

    const changed: PricingSnapshotCleanEntity[] = [];
    const replacedInterpolations: Array<{ poolId: string; bucketStart: Date }> = [];
    for (const o of incoming.values()) {
      const key = keyOf(o.poolId, o.bucketStart);
      const row = existing.get(key);
      let values: RoleValues;
      if (fromRaw.has(key)) values = fromRaw.get(key) as RoleValues;
      else if (row && row.dataSource !== 'interpolated') values = { [row.dataSource as ReporterRole]: row.spotPrice, [role]: o.spotPrice };
      else values = { [role]: o.spotPrice };
      const merged = mergeRoles(values);
      if (
        row &&
        row.dataSource === merged.source &&
        samePrice(row.spotPrice, merged.price) &&
        row.sourceCount === merged.sourceCount &&
        row.flaggedForReview === merged.flagged
      ) {
        continue;
      }
      if (row?.dataSource === 'interpolated') replacedInterpolations.push({ poolId: o.poolId, bucketStart: o.bucketStart });
      changed.push({
        poolId: o.poolId,
        bucketStart: o.bucketStart,
        spotPrice: merged.price,
        onDemandPrice: o.onDemandPrice ?? row?.onDemandPrice ?? null,
        dataSource: merged.source,
        confidenceScore: merged.confidence,
        interpolationMethod: null,
        flaggedForReview: merged.flagged,
        sourceCount: merged.sourceCount,
        createdAt: row?.createdAt ?? now,
        updatedAt: now,
      });
    }
    if (changed.length === 0) return changed;
    // A fixed order keeps concurrent reports from locking the same rows in opposite orders (MySQL deadlocks).
    changed.sort((a, b) => a.poolId.localeCompare(b.poolId) || a.bucketStart.getTime() - b.bucketStart.getTime());
    await manager
      .createQueryBuilder()
      .insert()
      .into(PricingSnapshotCleanEntity)
      .values(changed)
      .orUpdate(
        ['spot_price', 'on_demand_price', 'data_source', 'confidence_score', 'interpolation_method', 'flagged_for_review', 'source_count', 'updated_at'],
        ['pool_id', 'bucket_start'],
      )
      .updateEntity(false)
      .execute();
    if (replacedInterpolations.length) {
      const filter = poolBucketFilter(replacedInterpolations);
      await manager
        .createQueryBuilder()
        .update(PricingSnapshotInterpolatedEntity)
        .set({ replacedAt: now })
        .where(`replaced_at IS NULL AND (${filter.sql})`, filter.params)
        .execute();
    }
    return changed;
  }

  private readClean(manager: EntityManager, keys: Array<{ poolId: string; bucketStart: Date }>): Promise<PricingSnapshotCleanEntity[]> {
    const filter = poolBucketFilter(keys);
    return manager.getRepository(PricingSnapshotCleanEntity).createQueryBuilder('p').where(filter.sql, filter.params).getMany();
  }

  /** The latest raw value of each role in each bucket. */
  private async latestPerRole(manager: EntityManager, keys: Array<{ poolId: string; bucketStart: Date }>): Promise<Map<string, RoleValues>> {
    const from = new Date(Math.min(...keys.map((k) => k.bucketStart.getTime())));
    const to = new Date(Math.max(...keys.map((k) => k.bucketStart.getTime())) + BUCKET_MS);
    const wanted = new Set(keys.map((k) => keyOf(k.poolId, k.bucketStart)));
    const rows = await manager
      .getRepository(PricingSubmissionRawEntity)
      .createQueryBuilder('r')
      .select(['r.poolId', 'r.observedAt', 'r.receivedAt', 'r.reporterRole', 'r.spotPrice'])
      .where('r.pool_id IN (:...pools)', { pools: [...new Set(keys.map((k) => k.poolId))] })
      .andWhere('r.observed_at >= :from AND r.observed_at < :to', { from, to })
      .orderBy('r.observed_at', 'ASC')
      .addOrderBy('r.received_at', 'ASC')
      .getMany();
    const found = new Map<string, RoleValues>();
    for (const r of rows) {
      const key = keyOf(r.poolId, bucketStartOf(r.observedAt));
      if (!wanted.has(key)) continue;
      found.set(key, { ...found.get(key), [r.reporterRole]: r.spotPrice });
    }
    return found;
  }
}

function wireName(field: 'instanceType' | 'az' | 'spotPrice' | 'observedAt'): string {
  return { instanceType: 'instance_type', az: 'az', spotPrice: 'spot_price', observedAt: 'observed_at' }[field];
}

export interface MergedPrice {
  price: number;
  source: PriceDataSource;
  confidence: number;
  flagged: boolean;
  sourceCount: number;
}

/** Seed 001 deduplication: one clean value from the primary's and the replica's measurements. */
export function mergeRoles(values: RoleValues): MergedPrice {
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
