import { Entity } from 'typeorm';
import { PriceColumn, TimestampColumn, VarcharColumn, VarcharPrimaryColumn } from './columns';

/** Where an on-demand price came from: AWS's Price List Query API, or the file shipped in resources/aws-data. */
export type OnDemandPriceSource = 'aws-price-list' | 'shipped-file';

/**
 * On-demand $/h of an instance type in a region and operating system (Linux today; the column
 * is there so Windows can come later). Refreshed daily from the AWS Price List API (issue 23).
 * Owner: price-list (OnDemandPriceRepository).
 */
@Entity('ondemand_prices')
export class OnDemandPriceEntity {
  @VarcharPrimaryColumn(32)
  region: string;

  @VarcharPrimaryColumn(64)
  instanceType: string;

  @VarcharPrimaryColumn(32)
  operatingSystem: string;

  @PriceColumn()
  pricePerHour: number;

  @VarcharColumn(20)
  source: OnDemandPriceSource;

  @TimestampColumn()
  fetchedAt: Date;
}
