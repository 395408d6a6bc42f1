import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { BoolColumn, IntColumn, PriceColumn, RatioColumn, TextColumn, TimestampColumn, TimestampPrimaryColumn, VarcharPrimaryColumn, VarcharColumn } from './columns';
import { SpotPoolEntity } from './spot-pool.entity';

/** `consensus`: the median of two or more clients' values (DESIGN.md §9). */
export type PriceDataSource = 'primary' | 'replica' | 'averaged' | 'interpolated' | 'consensus';

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

  /** Distinct clients whose values made the point. (Optional here only so writers of fills and fixtures may leave the defaults.) */
  @IntColumn({ default: 1 })
  clientCount?: number;

  /** A single client's unconfirmed jump, limited to the consensus threshold from the previous value. */
  @BoolColumn({ default: false })
  capped?: boolean;

  /** Each client's values in the bucket, as the data valve's consensus keeps them (JSON text; null for fills). */
  @TextColumn({ nullable: true })
  sources?: string | null;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn()
  updatedAt: Date;
}
