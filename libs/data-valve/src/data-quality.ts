import { DataSource } from 'typeorm';
import { Clock } from '@spot/core';
import { PricingHeldObservationEntity, PricingSnapshotCleanEntity } from '@spot/persistence';
import { DAY_MS, HOUR_MS } from './price-buckets';

export interface DailyDataQuality {
  /** UTC day, YYYY-MM-DD. */
  date: string;
  totalPoints: number;
  interpolatedPoints: number;
  /** Share of the day's points that were inferred, in percent (2 decimals). */
  pctInterpolated: number;
}

/** A client whose price observations the consensus keeps holding (DESIGN.md §9). */
export interface HeldSourceSummary {
  clientId: string;
  /** Held values still unconfirmed in the window (one per pool and bucket). */
  heldCount: number;
  /** Held values a second client or the control plane's AWS read later confirmed. */
  confirmedCount: number;
  pools: number;
  lastHeldAt: Date;
  /** The most recent unconfirmed one, to show what it looked like. */
  latest: { poolId: string; bucketStart: Date; spotPrice: number; referencePrice: number | null; reason: string } | null;
}

/** Held this many times in the window (still unconfirmed) makes a client "repeatedly held". */
export const REPEATEDLY_HELD_MIN = 3;

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

  /**
   * Clients whose observations were held repeatedly in the last `hours` (at least
   * REPEATEDLY_HELD_MIN still unconfirmed), most held first.
   */
  async heldSources(hours = 24, minHeld = REPEATEDLY_HELD_MIN): Promise<HeldSourceSummary[]> {
    const since = new Date(this.clock.nowMs() - hours * HOUR_MS);
    const rows = await this.dataSource
      .getRepository(PricingHeldObservationEntity)
      .createQueryBuilder('h')
      .where('h.held_at >= :since', { since })
      .orderBy('h.held_at', 'DESC')
      .getMany();
    const byClient = new Map<string, PricingHeldObservationEntity[]>();
    for (const r of rows) byClient.set(r.clientId, [...(byClient.get(r.clientId) ?? []), r]);
    const found: HeldSourceSummary[] = [];
    for (const [clientId, held] of byClient) {
      const open = held.filter((h) => h.confirmedAt === null);
      if (open.length < minHeld) continue;
      const latest = open[0];
      found.push({
        clientId,
        heldCount: open.length,
        confirmedCount: held.length - open.length,
        pools: new Set(held.map((h) => h.poolId)).size,
        lastHeldAt: held[0].heldAt,
        latest: { poolId: latest.poolId, bucketStart: latest.bucketStart, spotPrice: latest.spotPrice, referencePrice: latest.referencePrice, reason: latest.reason },
      });
    }
    return found.sort((a, b) => b.heldCount - a.heldCount || a.clientId.localeCompare(b.clientId));
  }
}
