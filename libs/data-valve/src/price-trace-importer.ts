import { PriceIngest } from './price-ingest';
import { countSampledObservations, PriceChange, regionOfAz, sampleStepTrace, SampledObservation } from './price-trace';

export interface TraceImportOptions {
  /** Moves the whole trace so that its last change lands here (demo data that looks current). */
  shiftEndTo?: Date;
  batchSize?: number;
  onProgress?(done: number, total: number): void;
}

export interface TraceImportResult {
  observations: number;
  stored: number;
  duplicates: number;
  rejected: number;
  /** The first few rejection reasons, for the operator. */
  rejections: string[];
  bucketsWritten: number;
}

/** Who the importer is in the raw audit trail (no agent sent these prices). */
export const IMPORT_REPORTER = { clientId: 'system', agentId: 'prices-import' } as const;

/**
 * Loads a DescribeSpotPriceHistory export through the valve, as if an agent had reported the
 * price of every pool every 5 minutes: same validation, raw trail, dedup and clean series.
 * Historical rows are allowed (no 7-day window); re-importing the same file stores nothing new.
 */
export class PriceTraceImporter {
  constructor(private readonly ingest: PriceIngest) {}

  async import(changes: PriceChange[], options: TraceImportOptions = {}): Promise<TraceImportResult> {
    const shift = options.shiftEndTo && changes.length ? options.shiftEndTo.getTime() - changes[changes.length - 1].at.getTime() : 0;
    // Whole 5-minute steps keep the sampled observations on bucket boundaries.
    const shiftMs = Math.round(shift / 300_000) * 300_000;
    const shifted = shiftMs ? changes.map((c) => ({ ...c, at: new Date(c.at.getTime() + shiftMs) })) : changes;
    const total = countSampledObservations(shifted);
    const batchSize = options.batchSize ?? 1000;
    const result: TraceImportResult = { observations: 0, stored: 0, duplicates: 0, rejected: 0, rejections: [], bucketsWritten: 0 };
    const batches = new Map<string, SampledObservation[]>();
    const flush = async (region: string) => {
      const batch = batches.get(region);
      if (!batch?.length) return;
      batches.set(region, []);
      const outcome = await this.ingest.ingest(
        { ...IMPORT_REPORTER, instanceId: null, role: 'primary', region, observations: batch },
        { maxAgeMs: Number.POSITIVE_INFINITY, trusted: true },
      );
      result.observations += batch.length;
      result.stored += outcome.stored;
      result.duplicates += outcome.duplicates;
      result.rejected += outcome.rejected.length;
      result.bucketsWritten += outcome.bucketsWritten;
      for (const r of outcome.rejected) if (result.rejections.length < 10) result.rejections.push(`${r.code}: ${r.reason}`);
      options.onProgress?.(result.observations, total);
    };
    for (const observation of sampleStepTrace(shifted)) {
      const region = regionOfAz(observation.az);
      const batch = batches.get(region) ?? [];
      batch.push(observation);
      batches.set(region, batch);
      if (batch.length >= batchSize) await flush(region);
    }
    for (const region of [...batches.keys()]) await flush(region);
    return result;
  }
}
