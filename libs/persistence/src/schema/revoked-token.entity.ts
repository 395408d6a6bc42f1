import { Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn, UuidColumn } from './columns';

/** JWT deny-list: a logged-out token stays refused until it would have expired. Owner: identity. */
@Entity('revoked_tokens')
@Index('idx_revoked_tokens_expires', ['expiresAt'])
export class RevokedTokenEntity {
  /** The token's `jti`. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  jti: string;

  @UuidColumn()
  userId: string;

  @TimestampColumn()
  expiresAt: Date;

  @TimestampColumn()
  revokedAt: Date;
}
