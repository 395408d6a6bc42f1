import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { AgentEntity } from './agent.entity';
import { BoolColumn, IntColumn, JsonColumn, PriceColumn, TextColumn, TimestampColumn, UuidColumn, UuidPrimaryColumn, VarcharColumn } from './columns';

/** One move of a workload between instances, with timing and price impact. Owner: decisions (switch service). */
@Entity('switches')
@Index('idx_switches_client_initiated', ['clientId', 'initiatedAt'])
@Index('idx_switches_agent_initiated', ['agentId', 'initiatedAt'])
@Index('uq_switches_agent_dedup', ['agentId', 'dedupKey'], { unique: true })
export class SwitchEntity {
  @UuidPrimaryColumn()
  id: string;

  @UuidColumn()
  clientId: string;

  @UuidColumn()
  agentId: string;

  @ManyToOne(() => AgentEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'fk_switches_agent' })
  agent?: AgentEntity;

  @UuidColumn({ nullable: true })
  commandId: string | null;

  /** What makes a re-sent report the same switch (report:<id>, command:<id>, …); null before 2026-12. */
  @VarcharColumn(100, { nullable: true })
  dedupKey: string | null;

  // Old instance
  @VarcharColumn(64, { nullable: true })
  oldInstanceId: string | null;

  @VarcharColumn(20, { nullable: true })
  oldMode: string | null;

  @VarcharColumn(128, { nullable: true })
  oldPoolId: string | null;

  @PriceColumn({ nullable: true })
  oldPrice: number | null;

  // New instance
  @VarcharColumn(64, { nullable: true })
  newInstanceId: string | null;

  @VarcharColumn(20, { nullable: true })
  newMode: string | null;

  @VarcharColumn(128, { nullable: true })
  newPoolId: string | null;

  @PriceColumn({ nullable: true })
  newPrice: number | null;

  // Pricing and savings
  @PriceColumn({ nullable: true })
  onDemandPrice: number | null;

  /** Price difference old − new in $/h (positive saves money). */
  @PriceColumn({ nullable: true })
  savingsImpact: number | null;

  /** automatic | manual | emergency | automatic-interruption-failover … */
  @VarcharColumn(50)
  eventTrigger: string;

  @BoolColumn({ default: true })
  success: boolean;

  @TextColumn({ nullable: true })
  errorMessage: string | null;

  @IntColumn({ nullable: true })
  downtimeMs: number | null;

  // Timing
  @TimestampColumn()
  initiatedAt: Date;

  @TimestampColumn({ nullable: true })
  amiCreatedAt: Date | null;

  @TimestampColumn({ nullable: true })
  instanceLaunchedAt: Date | null;

  @TimestampColumn({ nullable: true })
  instanceReadyAt: Date | null;

  /** Only set when the agent actually terminated the old instance. */
  @TimestampColumn({ nullable: true })
  oldTerminatedAt: Date | null;

  /** The cut-over's steps as the agent reported them: [{name, durationMs, ok}] (issue 14). */
  @JsonColumn({ nullable: true })
  cutoverSteps?: Array<{ name: string; durationMs: number; ok: boolean }> | null;

  @TimestampColumn()
  createdAt: Date;
}
