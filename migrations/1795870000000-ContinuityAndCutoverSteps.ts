import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Issue 14 (workload continuity): `agents.continuity_settings` (target groups, Elastic IP, DNS
 * record, data volumes, network interface, hooks; docs/continuity.md) and
 * `switches.cutover_steps` (each cut-over step with its duration, as the agent reports it).
 * `continuity_settings` is JSON text (identity parses it); types go through the driver's normalisation of simple-json, as in the earlier migrations.
 */
export class ContinuityAndCutoverSteps1795870000000 implements MigrationInterface {
  name = 'ContinuityAndCutoverSteps1795870000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const driver = queryRunner.connection.driver;
    const json = driver.normalizeType({ type: 'simple-json' });
    await queryRunner.addColumn('agents', new TableColumn({ name: 'continuity_settings', type: driver.normalizeType({ type: 'text' }), isNullable: true }));
    await queryRunner.addColumn('switches', new TableColumn({ name: 'cutover_steps', type: json, isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('switches', 'cutover_steps');
    await queryRunner.dropColumn('agents', 'continuity_settings');
  }
}
