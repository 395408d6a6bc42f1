import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { AgentEntity } from './agent.entity';
import { IntColumn, JsonColumn, TextColumn, TimestampColumn, UuidColumn, UuidPrimaryColumn, VarcharColumn } from './columns';

export type CommandStatus = 'pending' | 'executing' | 'completed' | 'failed' | 'expired' | 'superseded';

/** A prioritised instruction for one agent (emergency 100, manual 75, automatic 50). Owner: command-tracker. */
@Entity('commands')
@Index('idx_commands_agent_queue', ['agentId', 'status', 'priority', 'createdAt'])
@Index('idx_commands_status_expires', ['status', 'expiresAt'])
@Index('uq_commands_idempotency', ['agentId', 'idempotencyKey'], { unique: true })
export class CommandEntity {
  @UuidPrimaryColumn()
  id: string;

  @UuidColumn()
  clientId: string;

  @UuidColumn()
  agentId: string;

  @ManyToOne(() => AgentEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'fk_commands_agent' })
  agent?: AgentEntity;

  /** switch | launch-replica | promote-replica | emergency-launch | cleanup … */
  @VarcharColumn(50)
  commandType: string;

  @IntColumn()
  priority: number;

  /** automatic | manual | emergency */
  @VarcharColumn(20)
  origin: string;

  @VarcharColumn(20, { default: 'pending' })
  status: CommandStatus;

  @JsonColumn({ nullable: true })
  payload: Record<string, unknown> | null;

  /** Lets a caller retry a create without queueing the command twice. */
  @VarcharColumn(128, { nullable: true })
  idempotencyKey: string | null;

  @UuidColumn({ nullable: true })
  supersededBy: string | null;

  @VarcharColumn(255, { nullable: true })
  createdBy: string | null;

  @JsonColumn({ nullable: true })
  result: Record<string, unknown> | null;

  @TextColumn({ nullable: true })
  errorMessage: string | null;

  @IntColumn({ nullable: true })
  executionDurationMs: number | null;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn({ nullable: true })
  claimedAt: Date | null;

  @TimestampColumn({ nullable: true })
  completedAt: Date | null;

  @TimestampColumn({ nullable: true })
  expiresAt: Date | null;

  @TimestampColumn()
  updatedAt: Date;
}
