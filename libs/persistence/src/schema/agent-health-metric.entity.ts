import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { AgentEntity } from './agent.entity';
import { UuidPrimaryColumn, BigIntColumn, IntColumn, JsonColumn, RatioColumn, TimestampColumn, UuidColumn, VarcharColumn } from './columns';

/** Health figures an agent sends with its heartbeat. Owner: sentinel (health monitor). */
@Entity('agent_health_metrics')
@Index('idx_health_metrics_agent_recorded', ['agentId', 'recordedAt'])
@Index('uq_health_metrics_agent_report', ['agentId', 'reportId'], { unique: true })
export class AgentHealthMetricEntity {
  @UuidPrimaryColumn()
  id: string;

  @UuidColumn()
  clientId: string;

  @UuidColumn()
  agentId: string;

  @ManyToOne(() => AgentEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'fk_health_metrics_agent' })
  agent?: AgentEntity;

  @VarcharColumn(64, { nullable: true })
  instanceId: string | null;

  /** The heartbeat's report_id (chosen by the agent): a re-send stores no second sample. */
  @VarcharColumn(36, { nullable: true })
  reportId: string | null;

  @TimestampColumn()
  recordedAt: Date;

  @RatioColumn(5, 2, { nullable: true })
  cpuPercent: number | null;

  @RatioColumn(5, 2, { nullable: true })
  memoryPercent: number | null;

  @RatioColumn(5, 2, { nullable: true })
  diskPercent: number | null;

  @BigIntColumn({ nullable: true })
  uptimeSeconds: number | null;

  @IntColumn({ nullable: true })
  heartbeatIntervalMs: number | null;

  @VarcharColumn(20, { nullable: true })
  status: string | null;

  @JsonColumn({ nullable: true })
  metadata: Record<string, unknown> | null;
}
