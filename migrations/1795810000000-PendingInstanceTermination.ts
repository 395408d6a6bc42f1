import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Issue 13 (control plane): `instances.terminate_after`, the durable pending termination of a
 * replaced instance (end of its terminate wait), read by the leftover-termination job and by
 * registration, which answers a replaced instance's agent `retired`. Column type through the
 * driver's normalisation, as in the initial schema.
 */
export class PendingInstanceTermination1795810000000 implements MigrationInterface {
  name = 'PendingInstanceTermination1795810000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const driver = queryRunner.connection.driver;
    const type = driver.normalizeType({ type: 'datetime' as never, precision: 3 });
    const precision = driver.withPrecisionColumnTypes.includes(type as never) ? 3 : undefined;
    await queryRunner.addColumn('instances', new TableColumn({ name: 'terminate_after', type, precision, isNullable: true }));
    await queryRunner.createIndex('instances', new TableIndex({ name: 'idx_instances_terminate_after', columnNames: ['terminate_after'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('instances', 'idx_instances_terminate_after');
    await queryRunner.dropColumn('instances', 'terminate_after');
  }
}
