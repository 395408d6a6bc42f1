import { DataSource, LessThan } from 'typeorm';
import { Clock } from '@spot/core';
import { dialectOf, PricingHeldObservationEntity, PricingSnapshotCleanEntity, PricingSnapshotInterpolatedEntity, PricingSubmissionRawEntity, SystemEventLog } from '@spot/persistence';
import { PriceAggregator } from './price-aggregator';
import { RETENTION } from './price-buckets';

export interface RetentionResult {
  rawDeleted: number;
  cleanDeleted: number;
  interpolationLogDeleted: number;
  /** Held (suspect) values, kept as long as the raw trail. */
  heldDeleted: number;
  rawCutoff: Date;
  cleanCutoff: Date;
}

const MYSQL_DELETE_CHUNK = 10_000;

/**
 * The data cleaner (seed 001): raw submissions are kept 7 days, the clean 5-minute series and
 * its interpolation log 30 days; hourly aggregates stay. Hours about to leave the clean series
 * are aggregated first, so nothing is lost that the permanent layer should keep.
 */
export class PriceRetention {
  constructor(
    private readonly dataSource: DataSource,
    private readonly aggregator: PriceAggregator,
    private readonly events: SystemEventLog,
    private readonly clock: Clock,
  ) {}

  async purge(): Promise<RetentionResult> {
    const now = this.clock.now();
    const rawCutoff = new Date(now.getTime() - RETENTION.rawMs);
    const cleanCutoff = new Date(now.getTime() - RETENTION.cleanMs);
    const oldest = await this.dataSource.getRepository(PricingSnapshotCleanEntity).findOne({ where: { bucketStart: LessThan(cleanCutoff) }, order: { bucketStart: 'ASC' } });
    if (oldest) await this.aggregator.aggregate({ from: oldest.bucketStart, to: cleanCutoff });
    const result: RetentionResult = {
      rawDeleted: await this.deleteOlder('pricing_submissions_raw', PricingSubmissionRawEntity, 'received_at', rawCutoff),
      cleanDeleted: await this.deleteOlder('pricing_snapshots_clean', PricingSnapshotCleanEntity, 'bucket_start', cleanCutoff),
      interpolationLogDeleted: await this.deleteOlder('pricing_snapshots_interpolated', PricingSnapshotInterpolatedEntity, 'bucket_start', cleanCutoff),
      heldDeleted: await this.deleteOlder('pricing_held_observations', PricingHeldObservationEntity, 'held_at', rawCutoff),
      rawCutoff,
      cleanCutoff,
    };
    await this.events.record({
      eventType: 'pricing.retention',
      component: 'DATA-VALVE',
      message: `Price retention removed ${result.rawDeleted} raw submissions, ${result.cleanDeleted} clean points, ${result.interpolationLogDeleted} interpolation log entries`,
      metadata: { ...result, rawCutoff: rawCutoff.toISOString(), cleanCutoff: cleanCutoff.toISOString() },
    });
    return result;
  }

  private async deleteOlder(table: string, entity: new () => object, column: string, cutoff: Date): Promise<number> {
    if (dialectOf(this.dataSource) === 'mysql') {
      // Chunks keep each statement's locks and undo log small on a busy table.
      let total = 0;
      for (;;) {
        const res: { affectedRows: number } = await this.dataSource.query(`DELETE FROM ${table} WHERE ${column} < ? LIMIT ${MYSQL_DELETE_CHUNK}`, [cutoff]);
        total += res.affectedRows;
        if (res.affectedRows < MYSQL_DELETE_CHUNK) return total;
      }
    }
    const res = await this.dataSource.createQueryBuilder().delete().from(entity).where(`${column} < :cutoff`, { cutoff }).execute();
    return res.affected ?? 0;
  }
}
