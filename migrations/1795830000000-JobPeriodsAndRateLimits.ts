import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

/**
 * Issue 22 (findings 8 and 9): `scheduler_job_periods` (each scheduled job runs once per period
 * across schedulers: the primary key (job_name, period_start) is the claim) and `rate_limit_slots`
 * (sign-in, sign-up and emergency-admission limits shared by every API process and kept across
 * restarts). Column types go through the driver's normalisation, as in the initial schema.
 */
function column(queryRunner: QueryRunner, name: string, type: 'varchar' | 'int' | 'datetime', options: { length?: number; primary?: boolean } = {}): TableColumnOptions {
  const driver = queryRunner.connection.driver;
  const precision = type === 'datetime' ? 3 : undefined;
  const normalized = driver.normalizeType({ type: type as never, length: options.length?.toString(), precision });
  return {
    name,
    type: normalized,
    length: options.length !== undefined && driver.withLengthColumnTypes.includes(normalized as never) ? String(options.length) : undefined,
    precision: precision !== undefined && driver.withPrecisionColumnTypes.includes(normalized as never) ? precision : undefined,
    isNullable: false,
    isPrimary: options.primary === true,
  };
}

export class JobPeriodsAndRateLimits1795830000000 implements MigrationInterface {
  name = 'JobPeriodsAndRateLimits1795830000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'scheduler_job_periods',
        columns: [
          column(queryRunner, 'job_name', 'varchar', { length: 100, primary: true }),
          column(queryRunner, 'period_start', 'datetime', { primary: true }),
          column(queryRunner, 'claimed_at', 'datetime'),
        ],
      }),
      false,
    );
    await queryRunner.createTable(
      new Table({
        name: 'rate_limit_slots',
        columns: [
          column(queryRunner, 'limit_key', 'varchar', { length: 150, primary: true }),
          column(queryRunner, 'slot', 'int', { primary: true }),
          column(queryRunner, 'expires_at', 'datetime'),
        ],
        indices: [new TableIndex({ name: 'idx_rate_limit_slots_expires', columnNames: ['expires_at'] })],
      }),
      false,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('rate_limit_slots', true);
    await queryRunner.dropTable('scheduler_job_periods', true);
  }
}
