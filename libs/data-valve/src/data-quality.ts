import { DataSource } from 'typeorm';
import { Clock } from '@spot/core';
import { PricingSnapshotCleanEntity } from '@spot/persistence';
import { DAY_MS } from './price-buckets';

export interface DailyDataQuality {
  /** UTC day, YYYY-MM-DD. */
  date: string;
  totalPoints: number;
  interpolatedPoints: number;
  /** Share of the day's points that were inferred, in percent (2 decimals). */
  pctInterpolated: number;
}

/** Seed 001 "Data Quality Over Time": per day, how much of the clean series was interpolated. */
export class DataQuality {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** The last `days` days, newest first; `poolIds` narrows to some pools (an empty list gives nothing). */
  async daily(days: number, poolIds?: string[]): Promise<DailyDataQuality[]> {
    if (poolIds && poolIds.length === 0) return [];
    const since = new Date(this.clock.nowMs() - days * DAY_MS);
    const query = this.dataSource
      .getRepository(PricingSnapshotCleanEntity)
      .createQueryBuilder('p')
      .select('DATE(p.bucket_start)', 'day')
      .addSelect('COUNT(*)', 'total')
      .addSelect(`SUM(CASE WHEN p.data_source = 'interpolated' THEN 1 ELSE 0 END)`, 'interpolated')
      .where('p.bucket_start > :since', { since })
      .groupBy('DATE(p.bucket_start)')
      .orderBy('day', 'DESC');
    if (poolIds) query.andWhere('p.pool_id IN (:...poolIds)', { poolIds });
    const rows: Array<{ day: string | Date; total: string | number; interpolated: string | number }> = await query.getRawMany();
    return rows.map((r) => {
      const total = Number(r.total);
      const interpolated = Number(r.interpolated);
      return {
        date: r.day instanceof Date ? r.day.toISOString().slice(0, 10) : String(r.day).slice(0, 10),
        totalPoints: total,
        interpolatedPoints: interpolated,
        pctInterpolated: total ? Math.round((10000 * interpolated) / total) / 100 : 0,
      };
    });
  }
}
