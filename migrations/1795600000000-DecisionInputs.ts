import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * agent_decision_history keeps the features each decision was made from (the v1.0 contract
 * input), so a decision can be explained and replayed against another engine, and the risk of
 * the recommended target next to the risk of the current pool.
 */
export class DecisionInputs1795600000000 implements MigrationInterface {
  name = 'DecisionInputs1795600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const driver = queryRunner.connection.driver;
    const json = driver.normalizeType({ type: 'simple-json' });
    const decimal = driver.normalizeType({ type: 'decimal', precision: 5, scale: 4 });
    await queryRunner.addColumns('agent_decision_history', [
      new TableColumn({ name: 'target_risk', type: decimal, precision: 5, scale: 4, isNullable: true }),
      new TableColumn({ name: 'inputs', type: json, isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('agent_decision_history', ['inputs', 'target_risk']);
  }
}
