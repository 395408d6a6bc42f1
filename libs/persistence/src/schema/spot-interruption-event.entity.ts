import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { AgentEntity } from './agent.entity';
import { BoolColumn, IntColumn, JsonColumn, RatioColumn, TextColumn, TimestampColumn, UuidColumn, UuidPrimaryColumn, VarcharColumn } from './columns';

export type InterruptionSignalType = 'rebalance-recommendation' | 'termination-notice' | 'interruption';

/** An AWS interruption signal and how it was handled. Owner: sentinel. */
@Entity('spot_interruption_events')
@Index('uq_interruptions_dedup', ['dedupKey'], { unique: true })
@Index('idx_interruptions_client_detected', ['clientId', 'detectedAt'])
@Index('idx_interruptions_pool_detected', ['poolId', 'detectedAt'])
@Index('idx_interruptions_action_at', ['actionAt'])
export class SpotInterruptionEventEntity {
  @UuidPrimaryColumn()
  id: string;

  @UuidColumn()
  clientId: string;

  @UuidColumn()
  agentId: string;

  @ManyToOne(() => AgentEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'fk_interruptions_agent' })
  agent?: AgentEntity;

  @VarcharColumn(64)
  instanceId: string;

  @VarcharColumn(128, { nullable: true })
  poolId: string | null;

  @VarcharColumn(40)
  signalType: InterruptionSignalType;

  /** The same signal reported twice (retry, or primary and replica) maps to one key. */
  @VarcharColumn(64)
  dedupKey: string;

  /** terminate | stop | hibernate, for termination notices. */
  @VarcharColumn(20, { nullable: true })
  instanceAction: string | null;

  /** When AWS says the action happens (or the rebalance notice time). */
  @TimestampColumn({ nullable: true })
  actionTime: Date | null;

  @TimestampColumn()
  detectedAt: Date;

  @VarcharColumn(10, { nullable: true })
  reportedBy: string | null;

  @RatioColumn(5, 4, { nullable: true })
  riskScore: number | null;

  /** e.g. created-emergency-replica, promoted-existing-replica, emergency-launch, monitor */
  @VarcharColumn(50, { nullable: true })
  responseAction: string | null;

  /**
   * When the emergency action that launches capacity was admitted by the rate limiter; null while
   * queued or when no launch was needed. Launches per pool and client per minute are counted on it.
   */
  @TimestampColumn({ nullable: true })
  actionAt: Date | null;

  @UuidColumn({ nullable: true })
  replicaId: string | null;

  @UuidColumn({ nullable: true })
  commandId: string | null;

  @BoolColumn({ default: false })
  failoverCompleted: boolean;

  @IntColumn({ nullable: true })
  failoverTimeMs: number | null;

  @BoolColumn({ nullable: true })
  success: boolean | null;

  @TextColumn({ nullable: true })
  errorMessage: string | null;

  @JsonColumn({ nullable: true })
  metadata: Record<string, unknown> | null;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn()
  updatedAt: Date;
}
