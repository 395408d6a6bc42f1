import { Entity, Index } from 'typeorm';
import { IntPrimaryColumn, TimestampColumn, VarcharPrimaryColumn } from './columns';

/**
 * The shared store of the sliding-window rate limiter (DatabaseRateLimiter in libs/core's port):
 * a key allowed `limit` hits per window owns at most `limit` slots, each holding when its last hit
 * leaves the window. A hit claims a free or expired slot with one conditional write, so several
 * API processes never both take the last one, and a restart forgets nothing (DESIGN.md §9).
 */
@Entity('rate_limit_slots')
@Index('idx_rate_limit_slots_expires', ['expiresAt'])
export class RateLimitSlotEntity {
  /** The limiter's key (hashed when longer than the column). */
  @VarcharPrimaryColumn(150)
  limitKey: string;

  @IntPrimaryColumn()
  slot: number;

  @TimestampColumn()
  expiresAt: Date;
}
