import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { AgentEntity, CapacityMode } from './agent.entity';
import { ClientEntity } from './client.entity';
import { BoolColumn, PriceColumn, TimestampColumn, UuidColumn, UuidPrimaryColumn, VarcharColumn } from './columns';

/**
 * An EC2 instance a workload ran on, active or not. Keyed by our own id and unique per
 * (client, AWS instance id), so one client can never claim or probe another's instance.
 * Owner: identity (instance records move with the agent's identity).
 */
@Entity('instances')
@Index('uq_instances_client_instance', ['clientId', 'instanceId'], { unique: true })
@Index('idx_instances_client_active', ['clientId', 'isActive'])
@Index('idx_instances_agent', ['agentId'])
@Index('idx_instances_terminate_after', ['terminateAfter'])
export class InstanceEntity {
  @UuidPrimaryColumn()
  id: string;

  /** AWS instance id, e.g. i-0abc… */
  @VarcharColumn(64)
  instanceId: string;

  @UuidColumn()
  clientId: string;

  @ManyToOne(() => ClientEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_instances_client' })
  client?: ClientEntity;

  @UuidColumn({ nullable: true })
  agentId: string | null;

  @ManyToOne(() => AgentEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'fk_instances_agent' })
  agent?: AgentEntity;

  @VarcharColumn(32)
  instanceType: string;

  @VarcharColumn(32)
  region: string;

  @VarcharColumn(32)
  az: string;

  @VarcharColumn(20)
  currentMode: CapacityMode;

  @VarcharColumn(128, { nullable: true })
  currentPoolId: string | null;

  @PriceColumn({ nullable: true })
  spotPrice: number | null;

  @PriceColumn({ nullable: true })
  ondemandPrice: number | null;

  @BoolColumn({ default: true })
  isActive: boolean;

  @TimestampColumn()
  installedAt: Date;

  @TimestampColumn({ nullable: true })
  lastSwitchAt: Date | null;

  /** When the workload moved off this instance (re-registration elsewhere, switch, failover). */
  @TimestampColumn({ nullable: true })
  replacedAt: Date | null;

  /** Only set when the instance was actually terminated. */
  @TimestampColumn({ nullable: true })
  terminatedAt: Date | null;

  /**
   * Pending termination of a replaced instance: when its terminate wait ends (auto-terminate on).
   * Kept here, not only in the old agent's memory, so the control plane's leftover-termination
   * job can end the instance when its agent did not (docs/architecture.md, "Retired instances").
   */
  @TimestampColumn({ nullable: true })
  terminateAfter: Date | null;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn()
  updatedAt: Date;
}
