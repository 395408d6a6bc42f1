import { Entity, Index } from 'typeorm';
import { BoolColumn, IntColumn, MoneyColumn, TimestampColumn, UuidPrimaryColumn, VarcharColumn } from './columns';

/** A customer organisation: owns users, agents, instances. Owner: identity. */
@Entity('clients')
@Index('uq_clients_email', ['email'], { unique: true })
@Index('uq_clients_token_hash', ['clientTokenHash'], { unique: true })
export class ClientEntity {
  @UuidPrimaryColumn()
  id: string;

  @VarcharColumn(255)
  name: string;

  @VarcharColumn(255, { nullable: true })
  email: string | null;

  /** SHA-256 of the client token; the token itself is shown once and never stored. */
  @VarcharColumn(64)
  clientTokenHash: string;

  /** Last characters of the token, so people can tell tokens apart. */
  @VarcharColumn(8)
  clientTokenHint: string;

  @VarcharColumn(50, { default: 'free' })
  plan: string;

  @IntColumn({ default: 5 })
  maxAgents: number;

  @IntColumn({ default: 10 })
  maxInstances: number;

  @BoolColumn({ default: true })
  isActive: boolean;

  @MoneyColumn({ default: 0 })
  totalSavings: number;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn()
  updatedAt: Date;
}
