import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { AgentEntity } from './agent.entity';
import { BoolColumn, IntColumn, PriceColumn, RatioColumn, TimestampColumn, UuidColumn, UuidPrimaryColumn, VarcharColumn } from './columns';

export type ReplicaType = 'manual' | 'automatic-rebalance' | 'automatic-termination';
export type ReplicaStatus = 'launching' | 'syncing' | 'ready' | 'promoted' | 'terminated' | 'failed';

/** A standby copy of a workload, ready to be promoted on interruption. Owner: replicas. */
@Entity('replica_instances')
@Index('idx_replicas_agent_active', ['agentId', 'isActive'])
@Index('idx_replicas_client', ['clientId', 'createdAt'])
export class ReplicaInstanceEntity {
  @UuidPrimaryColumn()
  id: string;

  @UuidColumn()
  clientId: string;

  @UuidColumn()
  agentId: string;

  @ManyToOne(() => AgentEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'fk_replicas_agent' })
  agent?: AgentEntity;

  @VarcharColumn(64, { nullable: true })
  instanceId: string | null;

  /** The primary instance this replica shadows. */
  @VarcharColumn(64, { nullable: true })
  parentInstanceId: string | null;

  @VarcharColumn(50)
  replicaType: ReplicaType;

  @VarcharColumn(128, { nullable: true })
  poolId: string | null;

  @VarcharColumn(32, { nullable: true })
  instanceType: string | null;

  @VarcharColumn(32, { nullable: true })
  az: string | null;

  @PriceColumn({ nullable: true })
  hourlyPrice: number | null;

  @VarcharColumn(50, { default: 'launching' })
  status: ReplicaStatus;

  @VarcharColumn(50, { nullable: true })
  syncStatus: string | null;

  @RatioColumn(5, 2, { default: 0 })
  stateTransferProgress: number;

  @IntColumn({ nullable: true })
  syncLatencyMs: number | null;

  /** report_id of the sync report applied last: its re-send answers the replica unchanged. */
  @VarcharColumn(36, { nullable: true })
  lastSyncReportId: string | null;

  @VarcharColumn(255, { nullable: true })
  createdBy: string | null;

  @BoolColumn({ default: true })
  isActive: boolean;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn({ nullable: true })
  readyAt: Date | null;

  @TimestampColumn({ nullable: true })
  promotedAt: Date | null;

  @TimestampColumn({ nullable: true })
  terminatedAt: Date | null;

  @TimestampColumn()
  updatedAt: Date;
}
