import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { ClientEntity } from './client.entity';
import { BoolColumn, IntColumn, TextColumn, TimestampColumn, UuidColumn, UuidPrimaryColumn, VarcharColumn } from './columns';

export type AgentStatus = 'online' | 'offline';
export type CapacityMode = 'spot' | 'on-demand' | 'unknown';

/**
 * A workload's persistent identity: the logical agent id survives switches to new instances
 * (seed 000 Agent Identity). Owner: identity.
 */
@Entity('agents')
@Index('uq_agents_client_logical', ['clientId', 'logicalAgentId'], { unique: true })
@Index('idx_agents_status_heartbeat', ['status', 'lastHeartbeatAt'])
export class AgentEntity {
  @UuidPrimaryColumn()
  id: string;

  @UuidColumn()
  clientId: string;

  @ManyToOne(() => ClientEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_agents_client' })
  client?: ClientEntity;

  @VarcharColumn(255)
  logicalAgentId: string;

  @VarcharColumn(255, { nullable: true })
  hostname: string | null;

  @VarcharColumn(32, { nullable: true })
  agentVersion: string | null;

  // Current instance (moves on re-registration from a new instance)
  @VarcharColumn(64, { nullable: true })
  instanceId: string | null;

  @VarcharColumn(32, { nullable: true })
  instanceType: string | null;

  @VarcharColumn(32, { nullable: true })
  region: string | null;

  @VarcharColumn(32, { nullable: true })
  az: string | null;

  @VarcharColumn(20, { default: 'unknown' })
  currentMode: CapacityMode;

  @VarcharColumn(128, { nullable: true })
  currentPoolId: string | null;

  // Status
  @VarcharColumn(20, { default: 'offline' })
  status: AgentStatus;

  @BoolColumn({ default: true })
  enabled: boolean;

  @TimestampColumn({ nullable: true })
  lastHeartbeatAt: Date | null;

  @TimestampColumn({ nullable: true })
  lastFailoverAt: Date | null;

  // Configuration (seed 001 agents table, seed 004 configuration toggles)
  @BoolColumn({ default: true })
  autoSwitchEnabled: boolean;

  @BoolColumn({ default: true })
  autoTerminateEnabled: boolean;

  @IntColumn({ default: 300 })
  terminateWaitSeconds: number;

  @BoolColumn({ default: true })
  autoReplicaEnabled: boolean;

  @BoolColumn({ default: false })
  manualReplicaEnabled: boolean;

  @IntColumn({ default: 0 })
  replicaCount: number;

  @UuidColumn({ nullable: true })
  currentReplicaId: string | null;

  /**
   * What follows the workload on a switch or failover (issue 14): `ContinuitySettings` of
   * libs/continuity as JSON text, validated and (de)serialised by identity. Null: nothing configured.
   */
  @TextColumn({ nullable: true })
  continuitySettings?: string | null;

  /** Bumped on every configuration change so agents know to fetch it again. */
  @IntColumn({ default: 1 })
  configVersion: number;

  /** Bumped to revoke every agent token issued so far. */
  @IntColumn({ default: 1 })
  tokenVersion: number;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn()
  updatedAt: Date;
}
