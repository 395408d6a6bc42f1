import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { AgentEntity } from './agent.entity';
import { UuidPrimaryColumn, BoolColumn, IntColumn, JsonColumn, PriceColumn, RatioColumn, TextColumn, TimestampColumn, UuidColumn, VarcharColumn } from './columns';

/** Every engine decision for an agent, with its inputs' outcome and reasons. Owner: decision-engine. */
@Entity('agent_decision_history')
@Index('idx_decisions_agent_decided', ['agentId', 'decidedAt'])
@Index('idx_decisions_client_decided', ['clientId', 'decidedAt'])
export class AgentDecisionHistoryEntity {
  @UuidPrimaryColumn()
  id: string;

  @UuidColumn()
  clientId: string;

  @UuidColumn()
  agentId: string;

  @ManyToOne(() => AgentEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'fk_decisions_agent' })
  agent?: AgentEntity;

  @VarcharColumn(64)
  predictionId: string;

  @VarcharColumn(64)
  engineName: string;

  @VarcharColumn(32, { nullable: true })
  engineVersion: string | null;

  /** SAFE | CAUTION | AVOID */
  @VarcharColumn(10)
  recommendedAction: string;

  /** pool | on-demand | stay */
  @VarcharColumn(20)
  target: string;

  @VarcharColumn(128, { nullable: true })
  targetPoolId: string | null;

  @RatioColumn(5, 4)
  interruptionProbability: number;

  @RatioColumn(5, 4)
  confidenceScore: number;

  @PriceColumn({ nullable: true })
  currentPrice: number | null;

  @PriceColumn({ nullable: true })
  targetPrice: number | null;

  @PriceColumn({ nullable: true })
  expectedSavingsPerHour: number | null;

  /** Interruption risk (0–1) of the recommended target. */
  @RatioColumn(5, 4, { nullable: true })
  targetRisk: number | null;

  @JsonColumn({ nullable: true })
  reasons: string[] | null;

  /** The v1.0 contract input the engine decided from. */
  @JsonColumn({ nullable: true })
  inputs: Record<string, unknown> | null;

  /** The chosen engine failed or broke the contract; the rule-based engine answered. */
  @BoolColumn({ default: false })
  fallbackUsed: boolean;

  @TextColumn({ nullable: true })
  fallbackReason: string | null;

  @UuidColumn({ nullable: true })
  commandId: string | null;

  @IntColumn({ nullable: true })
  latencyMs: number | null;

  @TimestampColumn()
  decidedAt: Date;
}
