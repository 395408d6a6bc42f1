import { EntityManager } from 'typeorm';
import { azInRegion, InstanceCatalog } from '@spot/catalog';
import { Clock, IdGenerator, sha256Hex } from '@spot/core';
import { PricingSnapshotCleanEntity, PricingSubmissionRawEntity, ReporterRole, TransactionRunner, insertMany, isUniqueViolation } from '@spot/persistence';
import { DEFAULT_CONSENSUS_THRESHOLD } from './consensus';
import { ConsensusSeries, FoldPlan } from './consensus-series';
import { LatestPriceCache } from './latest-price-cache';
import { bucketStartOf, RETENTION } from './price-buckets';
import { PoolDirectory, spotPoolId } from './pool-directory';
import { keyOf } from './pool-bucket-keys';

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
  /** The operator's own import of AWS price history: corroborated by definition, never held. */
  trusted?: boolean;
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
  /** Of the stored, how many were held as suspects (far from the other clients, or an unconfirmed jump). */
  held: number;
}
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

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * The one way prices enter the database (seed 000 Data Valve): validation, the raw audit trail
 * with each observation's source, deduplication of retries, and the consensus of the clean
 * 5-minute series (DESIGN.md §9: the median over distinct clients, each client's primary and
 * replica merged first; suspects held). One transaction per report, set-wise statements only.
 */
export class PriceIngest {
  private readonly consensus: ConsensusSeries;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly catalog: InstanceCatalog,
    private readonly pools: PoolDirectory,
    private readonly cache: LatestPriceCache,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    options: { consensusThreshold?: number } = {},
  ) {
    this.consensus = new ConsensusSeries(options.consensusThreshold ?? DEFAULT_CONSENSUS_THRESHOLD);
  }

  async ingest(report: PriceReport, options: IngestOptions = {}): Promise<IngestResult> {
    const batchId = this.ids.uuid();
    const now = this.clock.now();
    const { valid, rejected } = this.validate(report, now, options.maxAgeMs ?? RETENTION.rawMs);
    if (valid.length === 0) return { batchId, accepted: 0, stored: 0, duplicates: 0, rejected, bucketsWritten: 0, held: 0 };

    const seenPools = new Map(valid.map((o) => [o.poolId, o]));
    for (const o of seenPools.values()) await this.pools.ensure(o.instanceType, report.region, o.az);

    // The same observation twice in one report counts once.
    const unique = [...new Map(valid.map((o) => [o.dedupKey, o])).values()];
    const context = { agentId: report.agentId, region: report.region };
    const updatesOf = (observations: ValidObservation[]) => {
      // Latest observation per bucket within this report.
      const latest = new Map<string, ValidObservation>();
      for (const o of [...observations].sort((a, b) => a.observedAt.getTime() - b.observedAt.getTime())) latest.set(keyOf(o.poolId, o.bucketStart), o);
      return [...latest.values()].map((o) => ({
        poolId: o.poolId,
        bucketStart: o.bucketStart,
        sourceId: report.clientId,
        role: report.role,
        price: o.spotPrice,
        onDemandPrice: o.onDemandPrice,
        trusted: options.trusted === true,
      }));
    };
    const rawRows = (plan: FoldPlan) =>
      unique.map((o) => ({
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
        consensusStatus: plan.heldKeys.has(keyOf(o.poolId, o.bucketStart)) ? ('held' as const) : ('accepted' as const),
      }));
    const heldIn = (plan: FoldPlan, observations: ValidObservation[]) => observations.filter((o) => plan.heldKeys.has(keyOf(o.poolId, o.bucketStart))).length;

    // 1. Judge the report as if every observation were new: reads only, no transaction.
    const plan = await this.tx.autocommit((manager) => this.consensus.plan(manager, updatesOf(unique), context, now));
    let outcome: { stored: number; held: number; written: PricingSnapshotCleanEntity[] };
    if (!plan.hasWrites) {
      // 2a. The usual case (the bucket already says what this report says): the raw trail is the
      // only write, one statement that skips observations stored before (a retried report).
      const inserted = await this.tx.autocommit((manager) => insertMany(manager, PricingSubmissionRawEntity, rawRows(plan), { skipDuplicatesOf: ['dedup_key'] }));
      const fresh = inserted === unique.length ? unique : inserted === 0 ? [] : await this.tx.autocommit((manager) => this.storedNow(manager, batchId, unique));
      outcome = { stored: fresh.length, held: heldIn(plan, fresh), written: [] };
    } else {
      // 2b. Clean points or held values to write: the raw trail and them in one transaction.
      let attempt = 0;
      const committed: { plan?: FoldPlan } = {};
      outcome = await this.storeOnce(async (manager) => {
        attempt += 1;
        committed.plan = undefined;
        // A re-run (a deadlock victim, or a concurrent copy's unique key) judges again: what the
        // first plan read may have changed meanwhile, and applying it would overwrite that.
        const current = attempt === 1 ? plan : await this.consensus.plan(manager, updatesOf(unique), context, now);
        const inserted = await insertMany(manager, PricingSubmissionRawEntity, rawRows(current), { skipDuplicatesOf: ['dedup_key'] });
        if (inserted === unique.length) {
          await this.consensus.apply(manager, current, now);
          committed.plan = current;
          return { stored: unique.length, held: heldIn(current, unique), written: current.written };
        }
        // Part of the report was stored before (a retry): judge again from the new observations only.
        const fresh = inserted === 0 ? [] : await this.storedNow(manager, batchId, unique);
        if (fresh.length === 0) return { stored: 0, held: 0, written: [] as PricingSnapshotCleanEntity[] };
        const replanned = await this.consensus.plan(manager, updatesOf(fresh), context, now);
        await this.consensus.apply(manager, replanned, now);
        const keys = (held: boolean) => fresh.filter((o) => replanned.heldKeys.has(keyOf(o.poolId, o.bucketStart)) === held).map((o) => o.dedupKey);
        for (const [status, dedupKeys] of [['held', keys(true)], ['accepted', keys(false)]] as const) {
          if (dedupKeys.length === 0) continue;
          await manager
            .createQueryBuilder()
            .update(PricingSubmissionRawEntity)
            .set({ consensusStatus: status })
            .where('batch_id = :batchId AND dedup_key IN (:...dedupKeys)', { batchId, dedupKeys })
            .execute();
        }
        committed.plan = replanned;
        return { stored: fresh.length, held: heldIn(replanned, fresh), written: replanned.written };
      });
      // Only once committed: this process's view of held-only buckets follows what is stored.
      if (committed.plan) this.consensus.remember(committed.plan, now);
    }
    for (const row of outcome.written) await this.cache.offer(row);
    return {
      batchId,
      accepted: valid.length,
      stored: outcome.stored,
      duplicates: valid.length - outcome.stored,
      rejected,
      bucketsWritten: outcome.written.length,
      held: outcome.held,
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

  /** The observations this batch wrote, when some of the report had been stored before. */
  private async storedNow(manager: EntityManager, batchId: string, observations: ValidObservation[]): Promise<ValidObservation[]> {
    const rows = await manager.getRepository(PricingSubmissionRawEntity).find({ select: { dedupKey: true }, where: { batchId } });
    const mine = new Set(rows.map((r) => r.dedupKey));
    return observations.filter((o) => mine.has(o.dedupKey));
  }
}

function wireName(field: 'instanceType' | 'az' | 'spotPrice' | 'observedAt'): string {
  return { instanceType: 'instance_type', az: 'az', spotPrice: 'spot_price', observedAt: 'observed_at' }[field];
}

