import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * agent_decision_history keeps the features each decision was made from (the v1.0 contract
 * input), so a decision can be explained and replayed against another engine.
 */
export class DecisionInputs1795600000000 implements MigrationInterface {
  name = 'DecisionInputs1795600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const type = queryRunner.connection.driver.normalizeType({ type: 'simple-json' });
    await queryRunner.addColumn('agent_decision_history', new TableColumn({ name: 'inputs', type, isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('agent_decision_history', 'inputs');
  }
}
