import { DataSource, MoreThanOrEqual } from 'typeorm';
import { Clock } from '@spot/core';
import { FleetStatistics } from '@spot/identity';
import { ClientDailySnapshotEntity } from '@spot/persistence';

const DAY_MS = 86_400_000;
/** A first run never backfills more than a year. */
const MAX_BACKFILL_DAYS = 366;

const dayOf = (date: Date) => date.toISOString().slice(0, 10);
const startOfDay = (day: string) => new Date(`${day}T00:00:00.000Z`);

/**
 * Seed 001 snapshot job (daily at 00:05 UTC): one clients_daily_snapshot row per finished day.
 * The first run backfills every day since the first client; later runs fill whatever days are
 * missing up to yesterday, so a scheduler that was down catches up. Idempotent.
 * Owns clients_daily_snapshot.
 */
export class GrowthSnapshots {
  constructor(
    private readonly dataSource: DataSource,
    private readonly fleet: FleetStatistics,
    private readonly clock: Clock,
  ) {}

  private repo() {
    return this.dataSource.getRepository(ClientDailySnapshotEntity);
  }

  async takeMissing(): Promise<string[]> {
    const today = dayOf(this.clock.now());
    const yesterday = dayOf(new Date(startOfDay(today).getTime() - DAY_MS));
    const latest = await this.repo().find({ order: { snapshotDate: 'DESC' }, take: 1 });
    let from: string;
    if (latest[0]) {
      from = dayOf(new Date(startOfDay(String(latest[0].snapshotDate)).getTime() + DAY_MS));
    } else {
      const first = await this.fleet.firstClientCreatedAt();
      const earliest = new Date(startOfDay(yesterday).getTime() - (MAX_BACKFILL_DAYS - 1) * DAY_MS);
      from = first ? dayOf(first > earliest ? first : earliest) : yesterday;
    }
    const written: string[] = [];
    for (let day = from; day <= yesterday; day = dayOf(new Date(startOfDay(day).getTime() + DAY_MS))) {
      const start = startOfDay(day);
      const figures = await this.fleet.growthFigures(start, new Date(start.getTime() + DAY_MS));
      await this.dataSource
        .createQueryBuilder()
        .insert()
        .into(ClientDailySnapshotEntity)
        .values({ snapshotDate: day, ...figures, createdAt: this.clock.now() })
        .orIgnore()
        .updateEntity(false)
        .execute();
      written.push(day);
    }
    return written;
  }

  /** The last `days` snapshots, oldest first. */
  async recent(days: number): Promise<ClientDailySnapshotEntity[]> {
    const since = dayOf(new Date(this.clock.nowMs() - days * DAY_MS));
    return this.repo().find({ where: { snapshotDate: MoreThanOrEqual(since) }, order: { snapshotDate: 'ASC' } });
  }
}
