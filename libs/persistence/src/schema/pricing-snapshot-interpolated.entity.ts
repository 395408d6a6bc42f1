import { Entity, Index } from 'typeorm';
import { UuidPrimaryColumn, IntColumn, JsonColumn, PriceColumn, RatioColumn, TimestampColumn, VarcharColumn } from './columns';

export type GapType = 'short' | 'medium' | 'long';

/** Log of every filled price point: how and from what it was inferred. Owner: data-valve. */
@Entity('pricing_snapshots_interpolated')
@Index('idx_pricing_interp_pool_bucket', ['poolId', 'bucketStart'])
export class PricingSnapshotInterpolatedEntity {
  @UuidPrimaryColumn()
  id: string;

  @VarcharColumn(128)
  poolId: string;

  @TimestampColumn()
  bucketStart: Date;

  @VarcharColumn(10)
  gapType: GapType;

  @VarcharColumn(32)
  interpolationMethod: string;

  @TimestampColumn()
  gapStart: Date;

  @TimestampColumn()
  gapEnd: Date;

  @IntColumn()
  gapBuckets: number;

  @PriceColumn({ nullable: true })
  priceBefore: number | null;

  @PriceColumn({ nullable: true })
  priceAfter: number | null;

  @PriceColumn()
  interpolatedPrice: number;

  @RatioColumn(4, 3)
  confidenceScore: number;

  /** Peer pools used by cross-pool inference. */
  @JsonColumn({ nullable: true })
  peerPools: string[] | null;

  /** Set when a late real measurement replaced this point. */
  @TimestampColumn({ nullable: true })
  replacedAt: Date | null;

  @TimestampColumn()
  createdAt: Date;
}
