import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { UuidPrimaryColumn, PriceColumn, TimestampColumn, UuidColumn, VarcharColumn } from './columns';
import { ReplicaInstanceEntity } from './replica-instance.entity';

/** What a replica cost over a period, at its pool's price. Owner: replicas. */
@Entity('replica_cost_log')
@Index('idx_replica_cost_replica_period', ['replicaId', 'periodStart'])
@Index('idx_replica_cost_client_period', ['clientId', 'periodStart'])
export class ReplicaCostLogEntity {
  @UuidPrimaryColumn()
  id: string;

  @UuidColumn()
  clientId: string;

  @UuidColumn()
  agentId: string;

  @UuidColumn()
  replicaId: string;

  @ManyToOne(() => ReplicaInstanceEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'replica_id', foreignKeyConstraintName: 'fk_replica_cost_replica' })
  replica?: ReplicaInstanceEntity;

  @VarcharColumn(128, { nullable: true })
  poolId: string | null;

  @PriceColumn()
  hourlyPrice: number;

  @TimestampColumn()
  periodStart: Date;

  @TimestampColumn()
  periodEnd: Date;

  /** Dollars for the period; six decimals so per-second billing adds up exactly. */
  @PriceColumn()
  cost: number;

  /** rebalance | termination | manual */
  @VarcharColumn(50, { nullable: true })
  reason: string | null;

  @TimestampColumn()
  createdAt: Date;
}
