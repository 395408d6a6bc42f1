import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { ClientEntity } from './client.entity';
import { BoolColumn, TimestampColumn, UuidColumn, UuidPrimaryColumn, VarcharColumn } from './columns';

export type UserRole = 'client_user' | 'super_admin';

/** A person who signs in to the portal or API. Owner: identity. */
@Entity('users')
@Index('uq_users_email', ['email'], { unique: true })
@Index('idx_users_client', ['clientId'])
export class UserEntity {
  @UuidPrimaryColumn()
  id: string;

  /** Null for super-admins, who belong to no client. */
  @UuidColumn({ nullable: true })
  clientId: string | null;

  @ManyToOne(() => ClientEntity, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_users_client' })
  client?: ClientEntity;

  @VarcharColumn(255)
  email: string;

  @VarcharColumn(100)
  passwordHash: string;

  @VarcharColumn(20)
  role: UserRole;

  @BoolColumn({ default: true })
  isActive: boolean;

  @TimestampColumn({ nullable: true })
  lastLoginAt: Date | null;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn()
  updatedAt: Date;
}
