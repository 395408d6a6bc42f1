import { Entity, Index } from 'typeorm';
import { UuidPrimaryColumn, JsonColumn, TextColumn, TimestampColumn, UuidColumn, VarcharColumn } from './columns';

export type EventSeverity = 'debug' | 'info' | 'warning' | 'error' | 'critical';

/**
 * Append-only event log of the whole system. No foreign keys on purpose: the audit trail
 * outlives the agents and clients it mentions. Owner: persistence (SystemEventLog); everyone appends.
 */
@Entity('system_events')
@Index('idx_system_events_created', ['createdAt'])
@Index('idx_system_events_client_created', ['clientId', 'createdAt'])
@Index('idx_system_events_type_created', ['eventType', 'createdAt'])
export class SystemEventEntity {
  @UuidPrimaryColumn()
  id: string;

  @VarcharColumn(64)
  eventType: string;

  @VarcharColumn(16)
  severity: EventSeverity;

  /** Seed-003 component id, e.g. CORE-IDENTITY. */
  @VarcharColumn(32)
  component: string;

  @UuidColumn({ nullable: true })
  clientId: string | null;

  @UuidColumn({ nullable: true })
  agentId: string | null;

  @TextColumn()
  message: string;

  @JsonColumn({ nullable: true })
  metadata: Record<string, unknown> | null;

  @VarcharColumn(64, { nullable: true })
  correlationId: string | null;

  @TimestampColumn()
  createdAt: Date;
}
