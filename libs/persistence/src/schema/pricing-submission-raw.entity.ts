import { Entity, Index } from 'typeorm';
import { UuidPrimaryColumn, PriceColumn, TimestampColumn, UuidColumn, VarcharColumn } from './columns';

export type ReporterRole = 'primary' | 'replica';

/** Whether the consensus took the observation (`accepted`) or held it as a suspect (`held`, DESIGN.md §9). */
export type ConsensusStatus = 'accepted' | 'held';

/** Every accepted price observation as an agent sent it: the audit trail (kept 7 days). Owner: data-valve. */
@Entity('pricing_submissions_raw')
@Index('idx_pricing_raw_pool_observed', ['poolId', 'observedAt'])
@Index('idx_pricing_raw_received', ['receivedAt'])
@Index('uq_pricing_raw_dedup', ['dedupKey'], { unique: true })
export class PricingSubmissionRawEntity {
  @UuidPrimaryColumn()
  id: string;

  @UuidColumn()
  clientId: string;

  @UuidColumn()
  agentId: string;

  @VarcharColumn(64, { nullable: true })
  instanceId: string | null;

  @VarcharColumn(10)
  reporterRole: ReporterRole;

  @VarcharColumn(128)
  poolId: string;

  @VarcharColumn(32)
  instanceType: string;

  @VarcharColumn(32)
  region: string;

  @VarcharColumn(32)
  az: string;

  @PriceColumn()
  spotPrice: number;

  @PriceColumn({ nullable: true })
  onDemandPrice: number | null;

  @TimestampColumn()
  observedAt: Date;

  @TimestampColumn()
  receivedAt: Date;

  /** Identifies one observation from one agent, so a retried report stores nothing new. */
  @VarcharColumn(64)
  dedupKey: string;

  @UuidColumn({ nullable: true })
  batchId: string | null;

  @VarcharColumn(10, { default: 'accepted' })
  consensusStatus: ConsensusStatus;
}
