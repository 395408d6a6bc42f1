import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { AgentEntity } from './agent.entity';
import { UuidPrimaryColumn, BigIntColumn, BoolColumn, IntColumn, JsonColumn, TextColumn, TimestampColumn, UuidColumn, VarcharColumn } from './columns';

/** What an agent's AMI/snapshot cleanup removed (POST /api/agents/:id/cleanup-report). Owner: agent ops. */
@Entity('cleanup_logs')
@Index('idx_cleanup_logs_agent_started', ['agentId', 'startedAt'])
export class CleanupLogEntity {
  @UuidPrimaryColumn()
  id: string;

  @UuidColumn()
  clientId: string;

  @UuidColumn()
  agentId: string;

  @ManyToOne(() => AgentEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'fk_cleanup_logs_agent' })
  agent?: AgentEntity;

  /** ami | snapshot | full */
  @VarcharColumn(20)
  cleanupType: string;

  @IntColumn({ default: 0 })
  amisDeleted: number;

  @IntColumn({ default: 0 })
  snapshotsDeleted: number;

  @BigIntColumn({ nullable: true })
  bytesFreed: number | null;

  @IntColumn({ nullable: true })
  retentionDays: number | null;

  @BoolColumn()
  success: boolean;

  @TextColumn({ nullable: true })
  errorMessage: string | null;

  @JsonColumn({ nullable: true })
  details: Record<string, unknown> | null;

  @TimestampColumn()
  startedAt: Date;

  @TimestampColumn({ nullable: true })
  completedAt: Date | null;

  @TimestampColumn()
  createdAt: Date;
}
