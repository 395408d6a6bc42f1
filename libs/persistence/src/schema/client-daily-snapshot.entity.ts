import { Entity } from 'typeorm';
import { DatePrimaryColumn, IntColumn, TimestampColumn } from './columns';

/** Daily platform growth figures (seed 001 snapshot job, 00:05 UTC, with backfill). Owner: sentinel (snapshot job). */
@Entity('clients_daily_snapshot')
export class ClientDailySnapshotEntity {
  /** YYYY-MM-DD (UTC). */
  @DatePrimaryColumn()
  snapshotDate: string;

  @IntColumn()
  totalClients: number;

  @IntColumn()
  activeClients: number;

  @IntColumn()
  newClients: number;

  @IntColumn()
  totalAgents: number;

  @IntColumn()
  activeInstances: number;

  @TimestampColumn()
  createdAt: Date;
}
