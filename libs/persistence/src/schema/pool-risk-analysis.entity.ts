import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IntColumn, PriceColumn, RatioColumn, TimestampColumn, TimestampPrimaryColumn, VarcharPrimaryColumn } from './columns';
import { SpotPoolEntity } from './spot-pool.entity';

/** Hourly price aggregate and risk score of a pool, kept permanently. Owner: data-valve (hourly aggregator). */
@Entity('pool_risk_analysis')
@Index('idx_pool_risk_hour', ['hourStart'])
export class PoolRiskAnalysisEntity {
  @VarcharPrimaryColumn(128)
  poolId: string;

  @ManyToOne(() => SpotPoolEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'pool_id', foreignKeyConstraintName: 'fk_pool_risk_pool' })
  pool?: SpotPoolEntity;

  @TimestampPrimaryColumn()
  hourStart: Date;

  @PriceColumn()
  avgPrice: number;

  @PriceColumn()
  minPrice: number;

  @PriceColumn()
  maxPrice: number;

  /** Coefficient of variation of the hour's prices. */
  @RatioColumn(10, 6)
  priceVolatility: number;

  @IntColumn()
  sampleCount: number;

  @IntColumn({ default: 0 })
  interpolatedCount: number;

  @IntColumn({ default: 0 })
  interruptionCount: number;

  /** Spot Advisor bucket index 0–4 (<5 % … >20 % monthly interruptions). */
  @IntColumn({ nullable: true })
  advisorBucket: number | null;

  @RatioColumn(5, 4, { nullable: true })
  riskScore: number | null;

  @TimestampColumn()
  computedAt: Date;
}
