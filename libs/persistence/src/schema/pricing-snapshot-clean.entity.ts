import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { BoolColumn, IntColumn, PriceColumn, RatioColumn, TimestampColumn, TimestampPrimaryColumn, VarcharPrimaryColumn, VarcharColumn } from './columns';
import { SpotPoolEntity } from './spot-pool.entity';

export type PriceDataSource = 'primary' | 'replica' | 'averaged' | 'interpolated';

/**
 * The cleaned 5-minute price series of a pool (kept 30 days), keyed by (pool, bucket) so a
 * pool's history is one contiguous range of the primary key. Owner: data-valve.
 */
@Entity('pricing_snapshots_clean')
@Index('idx_pricing_clean_bucket', ['bucketStart'])
export class PricingSnapshotCleanEntity {
  @VarcharPrimaryColumn(128)
  poolId: string;

  @ManyToOne(() => SpotPoolEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'pool_id', foreignKeyConstraintName: 'fk_pricing_clean_pool' })
  pool?: SpotPoolEntity;

  /** Start of the 5-minute bucket (UTC). */
  @TimestampPrimaryColumn()
  bucketStart: Date;

  @PriceColumn()
  spotPrice: number;

  @PriceColumn({ nullable: true })
  onDemandPrice: number | null;

  @VarcharColumn(20)
  dataSource: PriceDataSource;

  @RatioColumn(4, 3)
  confidenceScore: number;

  @VarcharColumn(32, { nullable: true })
  interpolationMethod: string | null;

  /** Primary and replica disagreed by 0.5 % or more: the value is their average. */
  @BoolColumn({ default: false })
  flaggedForReview: boolean;

  @IntColumn({ default: 1 })
  sourceCount: number;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn()
  updatedAt: Date;
}
