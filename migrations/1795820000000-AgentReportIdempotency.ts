import { MigrationInterface, QueryRunner, TableColumn, TableColumnOptions, TableIndex } from 'typeorm';

/**
 * Issue 22 (findings 3 and 4): agent reports are idempotent.
 * - `switches.dedup_key`, unique per agent: the agent's `report_id`, else the command, else the
 *   new instance and outcome. A re-sent or concurrent copy of a switch report collides here (or on
 *   `uq_instances_client_instance`) and answers the first record instead of a 500 or a second row.
 * - `agent_health_metrics.report_id`, unique per agent: a heartbeat re-sent stores one sample.
 * - `replica_instances.last_sync_report_id`: the sync report last applied, so its re-send changes nothing.
 * Rows written before this migration keep NULL (unique indexes allow many NULLs on both dialects).
 * Column types go through the driver's normalisation, as in the initial schema.
 */
function column(queryRunner: QueryRunner, name: string, length: number): TableColumnOptions {
  const driver = queryRunner.connection.driver;
  const normalized = driver.normalizeType({ type: 'varchar' as never, length: String(length) });
  return {
    name,
    type: normalized,
    length: driver.withLengthColumnTypes.includes(normalized as never) ? String(length) : undefined,
    isNullable: true,
  };
}

export class AgentReportIdempotency1795820000000 implements MigrationInterface {
  name = 'AgentReportIdempotency1795820000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('switches', new TableColumn(column(queryRunner, 'dedup_key', 100)));
    await queryRunner.createIndex('switches', new TableIndex({ name: 'uq_switches_agent_dedup', columnNames: ['agent_id', 'dedup_key'], isUnique: true }));
    await queryRunner.addColumn('agent_health_metrics', new TableColumn(column(queryRunner, 'report_id', 36)));
    await queryRunner.createIndex('agent_health_metrics', new TableIndex({ name: 'uq_health_metrics_agent_report', columnNames: ['agent_id', 'report_id'], isUnique: true }));
    await queryRunner.addColumn('replica_instances', new TableColumn(column(queryRunner, 'last_sync_report_id', 36)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('replica_instances', 'last_sync_report_id');
    await queryRunner.dropIndex('agent_health_metrics', 'uq_health_metrics_agent_report');
    await queryRunner.dropColumn('agent_health_metrics', 'report_id');
    await queryRunner.dropIndex('switches', 'uq_switches_agent_dedup');
    await queryRunner.dropColumn('switches', 'dedup_key');
  }
}
