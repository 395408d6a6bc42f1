import { MigrationInterface, QueryRunner, Table, TableColumn, TableColumnOptions, TableIndex } from 'typeorm';

/**
 * Issue 23 (DESIGN.md §9, shared data is a consensus): the clean series is the median over
 * distinct clients, so each clean point keeps the clients' values it was computed from
 * (`sources`, JSON as text), how many clients agreed (`client_count`) and whether it is a capped
 * single-client jump (`capped`). The raw trail says whether each observation was held as a
 * suspect (`consensus_status`), and `pricing_held_observations` keeps every held value until a
 * second client or the control plane's own AWS read confirms it (admin data-quality page).
 * Column types go through the driver's normalisation, as in the initial schema.
 */
function column(
  queryRunner: QueryRunner,
  name: string,
  type: 'varchar' | 'text' | 'int' | 'datetime' | 'boolean' | 'decimal',
  options: { length?: number; nullable?: boolean; primary?: boolean; default?: string } = {},
): TableColumnOptions {
  const driver = queryRunner.connection.driver;
  const precision = type === 'datetime' ? 3 : type === 'decimal' ? 12 : undefined;
  const scale = type === 'decimal' ? 6 : undefined;
  const normalized = driver.normalizeType({ type: type as never, length: options.length?.toString(), precision, scale });
  return {
    name,
    type: normalized,
    length: options.length !== undefined && driver.withLengthColumnTypes.includes(normalized as never) ? String(options.length) : undefined,
    precision: precision !== undefined && driver.withPrecisionColumnTypes.includes(normalized as never) ? precision : undefined,
    scale: scale !== undefined && driver.withScaleColumnTypes.includes(normalized as never) ? scale : undefined,
    isNullable: options.nullable === true,
    isPrimary: options.primary === true,
    default: options.default,
  };
}

export class ConsensusPriceSeries1795860000000 implements MigrationInterface {
  name = 'ConsensusPriceSeries1795860000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('pricing_submissions_raw', new TableColumn(column(queryRunner, 'consensus_status', 'varchar', { length: 10, default: "'accepted'" })));
    await queryRunner.addColumns('pricing_snapshots_clean', [
      new TableColumn(column(queryRunner, 'client_count', 'int', { default: '1' })),
      new TableColumn(column(queryRunner, 'capped', 'boolean', { default: '0' })),
      new TableColumn(column(queryRunner, 'sources', 'text', { nullable: true })),
    ]);
    await queryRunner.createTable(
      new Table({
        name: 'pricing_held_observations',
        columns: [
          column(queryRunner, 'pool_id', 'varchar', { length: 128, primary: true }),
          column(queryRunner, 'bucket_start', 'datetime', { primary: true }),
          column(queryRunner, 'client_id', 'varchar', { length: 36, primary: true }),
          column(queryRunner, 'agent_id', 'varchar', { length: 36, nullable: true }),
          column(queryRunner, 'region', 'varchar', { length: 32 }),
          column(queryRunner, 'spot_price', 'decimal'),
          column(queryRunner, 'reference_price', 'decimal', { nullable: true }),
          column(queryRunner, 'reason', 'varchar', { length: 32 }),
          column(queryRunner, 'held_at', 'datetime'),
          column(queryRunner, 'confirmed_at', 'datetime', { nullable: true }),
          column(queryRunner, 'confirmed_by', 'varchar', { length: 16, nullable: true }),
        ],
      }),
      false,
    );
    await queryRunner.createIndex('pricing_held_observations', new TableIndex({ name: 'idx_pricing_held_at', columnNames: ['held_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('pricing_held_observations', 'idx_pricing_held_at');
    await queryRunner.dropTable('pricing_held_observations', true);
    await queryRunner.dropColumns('pricing_snapshots_clean', ['sources', 'capped', 'client_count']);
    await queryRunner.dropColumn('pricing_submissions_raw', 'consensus_status');
  }
}
