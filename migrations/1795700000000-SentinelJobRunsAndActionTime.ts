import { MigrationInterface, QueryRunner, Table, TableColumn, TableColumnOptions, TableIndex } from 'typeorm';

/**
 * Issue 5 (sentinel): `scheduler_job_runs` (the latest run of each scheduled job, for the admin
 * system-health view) and `spot_interruption_events.action_at` (when an emergency launch was
 * admitted; the rate limiter counts launches per pool and client per minute on it).
 * Column types go through the driver's normalisation, as in the initial schema.
 */
function column(queryRunner: QueryRunner, name: string, type: 'varchar' | 'text' | 'int' | 'datetime', options: { length?: number; nullable?: boolean; primary?: boolean; default?: string } = {}): TableColumnOptions {
  const driver = queryRunner.connection.driver;
  const precision = type === 'datetime' ? 3 : undefined;
  const normalized = driver.normalizeType({ type: type as never, length: options.length?.toString(), precision });
  return {
    name,
    type: normalized,
    length: options.length !== undefined && driver.withLengthColumnTypes.includes(normalized as never) ? String(options.length) : undefined,
    precision: precision !== undefined && driver.withPrecisionColumnTypes.includes(normalized as never) ? precision : undefined,
    isNullable: options.nullable === true,
    isPrimary: options.primary === true,
    default: options.default,
  };
}

export class SentinelJobRunsAndActionTime1795700000000 implements MigrationInterface {
  name = 'SentinelJobRunsAndActionTime1795700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'scheduler_job_runs',
        columns: [
          column(queryRunner, 'job_name', 'varchar', { length: 100, primary: true }),
          column(queryRunner, 'last_started_at', 'datetime'),
          column(queryRunner, 'last_finished_at', 'datetime'),
          column(queryRunner, 'last_status', 'varchar', { length: 20 }),
          column(queryRunner, 'last_message', 'text', { nullable: true }),
          column(queryRunner, 'last_duration_ms', 'int'),
          column(queryRunner, 'run_count', 'int', { default: '0' }),
          column(queryRunner, 'failure_count', 'int', { default: '0' }),
          column(queryRunner, 'last_failure_at', 'datetime', { nullable: true }),
        ],
      }),
      false,
    );
    await queryRunner.addColumn('spot_interruption_events', new TableColumn(column(queryRunner, 'action_at', 'datetime', { nullable: true })));
    await queryRunner.createIndex('spot_interruption_events', new TableIndex({ name: 'idx_interruptions_action_at', columnNames: ['action_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('spot_interruption_events', 'idx_interruptions_action_at');
    await queryRunner.dropColumn('spot_interruption_events', 'action_at');
    await queryRunner.dropTable('scheduler_job_runs', true);
  }
}
