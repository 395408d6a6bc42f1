import { MigrationInterface, QueryRunner, Table, TableColumnOptions } from 'typeorm';

/**
 * Issue 23: `ondemand_prices`, on-demand $/h per region, instance type and operating system with
 * its source (AWS Price List API or the shipped file) and fetch time. Column types go through the
 * driver's normalisation, as in the initial schema.
 */
function column(
  queryRunner: QueryRunner,
  name: string,
  type: 'varchar' | 'decimal' | 'datetime',
  options: { length?: number; precision?: number; scale?: number; primary?: boolean } = {},
): TableColumnOptions {
  const driver = queryRunner.connection.driver;
  const precision = type === 'datetime' ? 3 : options.precision;
  const normalized = driver.normalizeType({ type: type as never, length: options.length?.toString(), precision, scale: options.scale });
  return {
    name,
    type: normalized,
    length: options.length !== undefined && driver.withLengthColumnTypes.includes(normalized as never) ? String(options.length) : undefined,
    precision: precision !== undefined && driver.withPrecisionColumnTypes.includes(normalized as never) ? precision : undefined,
    scale: options.scale !== undefined && driver.withScaleColumnTypes.includes(normalized as never) ? options.scale : undefined,
    isNullable: false,
    isPrimary: options.primary === true,
  };
}

export class OnDemandPrices1795850000000 implements MigrationInterface {
  name = 'OnDemandPrices1795850000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'ondemand_prices',
        columns: [
          column(queryRunner, 'region', 'varchar', { length: 32, primary: true }),
          column(queryRunner, 'instance_type', 'varchar', { length: 64, primary: true }),
          column(queryRunner, 'operating_system', 'varchar', { length: 32, primary: true }),
          column(queryRunner, 'price_per_hour', 'decimal', { precision: 12, scale: 6 }),
          column(queryRunner, 'source', 'varchar', { length: 20 }),
          column(queryRunner, 'fetched_at', 'datetime'),
        ],
      }),
      false,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('ondemand_prices', true);
  }
}
