import { DataSource } from 'typeorm';
import { OnDemandPriceRow } from '@spot/catalog';
import { insertRow, OnDemandPriceEntity, OnDemandPriceSource, TransactionRunner } from '@spot/persistence';
import { OnDemandPriceEntry } from './price-list.port';

const CHUNK = 200;

export interface OnDemandRegionCoverage {
  region: string;
  types: number;
  source: OnDemandPriceSource;
  fetchedAt: Date;
}

/** The only reader and writer of `ondemand_prices`. */
export class OnDemandPriceRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
  ) {}

  /**
   * The region's prices for one operating system become exactly `entries`, in one transaction:
   * readers see the old set or the new one, never a mix.
   */
  async replaceRegion(region: string, operatingSystem: string, entries: OnDemandPriceEntry[], source: OnDemandPriceSource, fetchedAt: Date): Promise<void> {
    await this.tx.run(async (manager) => {
      await manager.getRepository(OnDemandPriceEntity).delete({ region, operatingSystem });
      const rows: OnDemandPriceEntity[] = entries.map((e) => ({ region, instanceType: e.instanceType, operatingSystem, pricePerHour: e.pricePerHour, source, fetchedAt }));
      for (let i = 0; i < rows.length; i += CHUNK) await insertRow(manager, OnDemandPriceEntity, rows.slice(i, i + CHUNK));
    });
  }

  /** Every price of an operating system, as the catalog serves them. */
  async all(operatingSystem = 'Linux'): Promise<OnDemandPriceRow[]> {
    const rows = await this.dataSource.getRepository(OnDemandPriceEntity).find({ where: { operatingSystem } });
    return rows.map((r) => ({ region: r.region, instanceType: r.instanceType, pricePerHour: r.pricePerHour, source: r.source, fetchedAt: r.fetchedAt }));
  }

  /** Per region: how many types, from which source, fetched when (the oldest fetch of the region). */
  async coverage(operatingSystem = 'Linux'): Promise<OnDemandRegionCoverage[]> {
    const raw = await this.dataSource
      .getRepository(OnDemandPriceEntity)
      .createQueryBuilder('p')
      .select('p.region', 'region')
      .addSelect('p.source', 'source')
      .addSelect('COUNT(*)', 'types')
      .addSelect('MIN(p.fetched_at)', 'fetchedAt')
      .where('p.operating_system = :operatingSystem', { operatingSystem })
      .groupBy('p.region')
      .addGroupBy('p.source')
      .orderBy('p.region', 'ASC')
      .getRawMany<{ region: string; source: OnDemandPriceSource; types: string | number; fetchedAt: string | Date }>();
    return raw.map((r) => ({ region: r.region, source: r.source, types: Number(r.types), fetchedAt: toDate(r.fetchedAt) }));
  }

  /** The newest fetch time in the table (a cheap change check for the other processes). */
  async latestFetch(): Promise<Date | null> {
    const raw = await this.dataSource.getRepository(OnDemandPriceEntity).createQueryBuilder('p').select('MAX(p.fetched_at)', 'latest').getRawOne<{ latest: string | Date | null }>();
    return raw?.latest ? toDate(raw.latest) : null;
  }
}

/** SQLite answers aggregates of datetime columns as 'YYYY-MM-DD HH:MM:SS.mmm' text in UTC; MySQL as a Date. */
function toDate(value: string | Date): Date {
  if (value instanceof Date) return value;
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
}
