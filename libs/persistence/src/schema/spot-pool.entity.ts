import { Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn, VarcharColumn } from './columns';

/** A spot capacity pool: instance type × availability zone. Owner: data-valve. */
@Entity('spot_pools')
@Index('uq_spot_pools_type_region_az', ['instanceType', 'region', 'az'], { unique: true })
export class SpotPoolEntity {
  /** `<instance type>.<az>`, e.g. m5.large.eu-west-1a */
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id: string;

  @VarcharColumn(255)
  poolName: string;

  @VarcharColumn(32)
  instanceType: string;

  @VarcharColumn(32)
  region: string;

  @VarcharColumn(32)
  az: string;

  @TimestampColumn()
  createdAt: Date;
}
