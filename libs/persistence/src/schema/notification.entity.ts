import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { ClientEntity } from './client.entity';
import { BoolColumn, JsonColumn, TextColumn, TimestampColumn, UuidColumn, UuidPrimaryColumn, VarcharColumn } from './columns';

/** A user-facing message; client_id null means it is for the platform admins. Owner: notifications. */
@Entity('notifications')
@Index('idx_notifications_client_read', ['clientId', 'isRead', 'createdAt'])
export class NotificationEntity {
  @UuidPrimaryColumn()
  id: string;

  @UuidColumn({ nullable: true })
  clientId: string | null;

  @ManyToOne(() => ClientEntity, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_notifications_client' })
  client?: ClientEntity;

  @UuidColumn({ nullable: true })
  agentId: string | null;

  @VarcharColumn(64)
  category: string;

  @VarcharColumn(255)
  title: string;

  @TextColumn()
  message: string;

  @VarcharColumn(16)
  severity: string;

  @BoolColumn({ default: false })
  isRead: boolean;

  @TimestampColumn({ nullable: true })
  readAt: Date | null;

  @JsonColumn({ nullable: true })
  metadata: Record<string, unknown> | null;

  @TimestampColumn()
  createdAt: Date;
}
