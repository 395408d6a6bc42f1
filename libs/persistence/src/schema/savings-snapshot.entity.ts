import { Entity, JoinColumn, ManyToOne } from 'typeorm';
import { ClientEntity } from './client.entity';
import { DatePrimaryColumn, IntColumn, MoneyColumn, RatioColumn, TimestampColumn, VarcharPrimaryColumn } from './columns';

/** A client's cost and savings for one UTC day. Owner: calculations (daily job). */
@Entity('savings_snapshots')
export class SavingsSnapshotEntity {
  @VarcharPrimaryColumn(36)
  clientId: string;

  @ManyToOne(() => ClientEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_savings_snapshots_client' })
  client?: ClientEntity;

  /** YYYY-MM-DD (UTC). */
  @DatePrimaryColumn()
  snapshotDate: string;

  @MoneyColumn()
  onDemandCost: number;

  @MoneyColumn()
  actualCost: number;

  @MoneyColumn()
  savings: number;

  @RatioColumn(7, 4)
  savingsPercent: number;

  @RatioColumn(12, 4, { default: 0 })
  instanceHours: number;

  @IntColumn({ default: 0 })
  switchCount: number;

  @IntColumn({ default: 0 })
  interruptionCount: number;

  @TimestampColumn()
  createdAt: Date;
}
