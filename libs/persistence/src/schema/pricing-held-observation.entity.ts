import { Entity, Index } from 'typeorm';
import { PriceColumn, TimestampColumn, TimestampPrimaryColumn, UuidColumn, VarcharColumn, VarcharPrimaryColumn } from './columns';

export type HeldReason = 'far_from_consensus' | 'jump' | 'conflicting_sources';
export type ConfirmedBy = 'client' | 'aws';

/**
 * A client's value for a pool and bucket that the consensus held as a suspect (DESIGN.md §9):
 * kept until a second client or the control plane's own AWS read confirms it. Written only when
 * something is held, so it stays small. Owner: data-valve.
 */
@Entity('pricing_held_observations')
@Index('idx_pricing_held_at', ['heldAt'])
export class PricingHeldObservationEntity {
  @VarcharPrimaryColumn(128)
  poolId: string;

  @TimestampPrimaryColumn()
  bucketStart: Date;

  @VarcharPrimaryColumn(36)
  clientId: string;

  /** The agent whose report was held; null when another client's report moved the consensus away from it. */
  @UuidColumn({ nullable: true })
  agentId: string | null;

  @VarcharColumn(32)
  region: string;

  @PriceColumn()
  spotPrice: number;

  /** What it was judged against: the other clients' median or the previous clean value. */
  @PriceColumn({ nullable: true })
  referencePrice: number | null;

  @VarcharColumn(32)
  reason: HeldReason;

  @TimestampColumn()
  heldAt: Date;

  @TimestampColumn({ nullable: true })
  confirmedAt: Date | null;

  @VarcharColumn(16, { nullable: true })
  confirmedBy: ConfirmedBy | null;
}
