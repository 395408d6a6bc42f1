import { Driver, MigrationInterface, QueryRunner, Table, TableColumnOptions, TableForeignKey, TableIndex } from 'typeorm';

/**
 * The whole schema of the seeds, for SQLite and MySQL/MariaDB alike. Column types go through the
 * driver's own normalisation, the same path entity metadata takes, so both dialects end up with
 * exactly what the entities describe (the schema-drift test checks this on both).
 * Frozen: later changes go in new migrations; nothing here imports entity code.
 */

type Kind = 'uuid' | 'varchar' | 'text' | 'int' | 'bigint' | 'boolean' | 'decimal' | 'datetime' | 'date' | 'json';

interface Spec {
  kind: Kind;
  length?: number;
  precision?: number;
  scale?: number;
  nullable?: boolean;
  default?: string | number | boolean;
  primary?: boolean;
}

const c = {
  id: (): Spec => ({ kind: 'uuid', primary: true }),
  uuid: (o: Partial<Spec> = {}): Spec => ({ kind: 'uuid', ...o }),
  str: (length: number, o: Partial<Spec> = {}): Spec => ({ kind: 'varchar', length, ...o }),
  text: (o: Partial<Spec> = {}): Spec => ({ kind: 'text', ...o }),
  int: (o: Partial<Spec> = {}): Spec => ({ kind: 'int', ...o }),
  bigint: (o: Partial<Spec> = {}): Spec => ({ kind: 'bigint', ...o }),
  bool: (o: Partial<Spec> = {}): Spec => ({ kind: 'boolean', ...o }),
  money: (o: Partial<Spec> = {}): Spec => ({ kind: 'decimal', precision: 15, scale: 4, ...o }),
  price: (o: Partial<Spec> = {}): Spec => ({ kind: 'decimal', precision: 12, scale: 6, ...o }),
  ratio: (precision: number, scale: number, o: Partial<Spec> = {}): Spec => ({ kind: 'decimal', precision, scale, ...o }),
  time: (o: Partial<Spec> = {}): Spec => ({ kind: 'datetime', precision: 3, ...o }),
  date: (o: Partial<Spec> = {}): Spec => ({ kind: 'date', ...o }),
  json: (o: Partial<Spec> = {}): Spec => ({ kind: 'json', ...o }),
};
const nullable = { nullable: true };

function columnOptions(driver: Driver, name: string, spec: Spec): TableColumnOptions {
  const entityType = spec.kind === 'uuid' ? 'varchar' : spec.kind === 'json' ? 'simple-json' : spec.kind;
  const length = spec.kind === 'uuid' ? 36 : spec.length;
  const type = driver.normalizeType({ type: entityType as never, length: length?.toString(), precision: spec.precision, scale: spec.scale });
  let defaultValue: string | undefined;
  if (typeof spec.default === 'string') defaultValue = `'${spec.default}'`;
  else if (typeof spec.default === 'boolean') defaultValue = spec.default ? '1' : '0';
  else if (typeof spec.default === 'number') defaultValue = String(spec.default);
  return {
    name,
    type,
    length: length !== undefined && driver.withLengthColumnTypes.includes(type as never) ? String(length) : undefined,
    precision: spec.precision !== undefined && driver.withPrecisionColumnTypes.includes(type as never) ? spec.precision : undefined,
    scale: spec.scale !== undefined && driver.withScaleColumnTypes.includes(type as never) ? spec.scale : undefined,
    isNullable: spec.nullable === true,
    isPrimary: spec.primary === true,
    default: defaultValue,
  };
}

interface TableSpec {
  name: string;
  columns: Record<string, Spec>;
  primary?: string[];
  indices?: Array<{ name: string; columns: string[]; unique?: boolean }>;
  foreignKeys?: Array<{ name: string; columns: string[]; references: string; onDelete: 'CASCADE' | 'SET NULL' }>;
}

const TABLES: TableSpec[] = [
  {
    name: 'clients',
    columns: {
      id: c.id(),
      name: c.str(255),
      email: c.str(255, nullable),
      client_token_hash: c.str(64),
      client_token_hint: c.str(8),
      plan: c.str(50, { default: 'free' }),
      max_agents: c.int({ default: 5 }),
      max_instances: c.int({ default: 10 }),
      is_active: c.bool({ default: true }),
      total_savings: c.money({ default: 0 }),
      created_at: c.time(),
      updated_at: c.time(),
    },
    indices: [
      { name: 'uq_clients_email', columns: ['email'], unique: true },
      { name: 'uq_clients_token_hash', columns: ['client_token_hash'], unique: true },
    ],
  },
  {
    name: 'users',
    columns: {
      id: c.id(),
      client_id: c.uuid(nullable),
      email: c.str(255),
      password_hash: c.str(100),
      role: c.str(20),
      is_active: c.bool({ default: true }),
      last_login_at: c.time(nullable),
      created_at: c.time(),
      updated_at: c.time(),
    },
    indices: [
      { name: 'uq_users_email', columns: ['email'], unique: true },
      { name: 'idx_users_client', columns: ['client_id'] },
    ],
    foreignKeys: [{ name: 'fk_users_client', columns: ['client_id'], references: 'clients', onDelete: 'CASCADE' }],
  },
  {
    name: 'revoked_tokens',
    columns: {
      jti: c.str(64, { primary: true }),
      user_id: c.uuid(),
      expires_at: c.time(),
      revoked_at: c.time(),
    },
    indices: [{ name: 'idx_revoked_tokens_expires', columns: ['expires_at'] }],
  },
  {
    name: 'agents',
    columns: {
      id: c.id(),
      client_id: c.uuid(),
      logical_agent_id: c.str(255),
      hostname: c.str(255, nullable),
      agent_version: c.str(32, nullable),
      instance_id: c.str(64, nullable),
      instance_type: c.str(32, nullable),
      region: c.str(32, nullable),
      az: c.str(32, nullable),
      current_mode: c.str(20, { default: 'unknown' }),
      current_pool_id: c.str(128, nullable),
      status: c.str(20, { default: 'offline' }),
      enabled: c.bool({ default: true }),
      last_heartbeat_at: c.time(nullable),
      last_failover_at: c.time(nullable),
      auto_switch_enabled: c.bool({ default: true }),
      auto_terminate_enabled: c.bool({ default: true }),
      terminate_wait_seconds: c.int({ default: 300 }),
      auto_replica_enabled: c.bool({ default: true }),
      manual_replica_enabled: c.bool({ default: false }),
      replica_count: c.int({ default: 0 }),
      current_replica_id: c.uuid(nullable),
      config_version: c.int({ default: 1 }),
      token_version: c.int({ default: 1 }),
      created_at: c.time(),
      updated_at: c.time(),
    },
    indices: [
      { name: 'uq_agents_client_logical', columns: ['client_id', 'logical_agent_id'], unique: true },
      { name: 'idx_agents_status_heartbeat', columns: ['status', 'last_heartbeat_at'] },
    ],
    foreignKeys: [{ name: 'fk_agents_client', columns: ['client_id'], references: 'clients', onDelete: 'CASCADE' }],
  },
  {
    name: 'instances',
    columns: {
      id: c.id(),
      instance_id: c.str(64),
      client_id: c.uuid(),
      agent_id: c.uuid(nullable),
      instance_type: c.str(32),
      region: c.str(32),
      az: c.str(32),
      current_mode: c.str(20),
      current_pool_id: c.str(128, nullable),
      spot_price: c.price(nullable),
      ondemand_price: c.price(nullable),
      is_active: c.bool({ default: true }),
      installed_at: c.time(),
      last_switch_at: c.time(nullable),
      replaced_at: c.time(nullable),
      terminated_at: c.time(nullable),
      created_at: c.time(),
      updated_at: c.time(),
    },
    indices: [
      { name: 'uq_instances_client_instance', columns: ['client_id', 'instance_id'], unique: true },
      { name: 'idx_instances_client_active', columns: ['client_id', 'is_active'] },
      { name: 'idx_instances_agent', columns: ['agent_id'] },
    ],
    foreignKeys: [
      { name: 'fk_instances_client', columns: ['client_id'], references: 'clients', onDelete: 'CASCADE' },
      { name: 'fk_instances_agent', columns: ['agent_id'], references: 'agents', onDelete: 'SET NULL' },
    ],
  },
  {
    name: 'replica_instances',
    columns: {
      id: c.id(),
      client_id: c.uuid(),
      agent_id: c.uuid(),
      instance_id: c.str(64, nullable),
      parent_instance_id: c.str(64, nullable),
      replica_type: c.str(50),
      pool_id: c.str(128, nullable),
      instance_type: c.str(32, nullable),
      az: c.str(32, nullable),
      hourly_price: c.price(nullable),
      status: c.str(50, { default: 'launching' }),
      sync_status: c.str(50, nullable),
      state_transfer_progress: c.ratio(5, 2, { default: 0 }),
      sync_latency_ms: c.int(nullable),
      created_by: c.str(255, nullable),
      is_active: c.bool({ default: true }),
      created_at: c.time(),
      ready_at: c.time(nullable),
      promoted_at: c.time(nullable),
      terminated_at: c.time(nullable),
      updated_at: c.time(),
    },
    indices: [
      { name: 'idx_replicas_agent_active', columns: ['agent_id', 'is_active'] },
      { name: 'idx_replicas_client', columns: ['client_id', 'created_at'] },
    ],
    foreignKeys: [{ name: 'fk_replicas_agent', columns: ['agent_id'], references: 'agents', onDelete: 'CASCADE' }],
  },
  {
    name: 'spot_pools',
    columns: {
      id: c.str(128, { primary: true }),
      pool_name: c.str(255),
      instance_type: c.str(32),
      region: c.str(32),
      az: c.str(32),
      created_at: c.time(),
    },
    indices: [{ name: 'uq_spot_pools_type_region_az', columns: ['instance_type', 'region', 'az'], unique: true }],
  },
  {
    name: 'pricing_submissions_raw',
    columns: {
      id: c.id(),
      client_id: c.uuid(),
      agent_id: c.uuid(),
      instance_id: c.str(64, nullable),
      reporter_role: c.str(10),
      pool_id: c.str(128),
      instance_type: c.str(32),
      region: c.str(32),
      az: c.str(32),
      spot_price: c.price(),
      on_demand_price: c.price(nullable),
      observed_at: c.time(),
      received_at: c.time(),
      dedup_key: c.str(64),
      batch_id: c.uuid(nullable),
    },
    indices: [
      { name: 'idx_pricing_raw_pool_observed', columns: ['pool_id', 'observed_at'] },
      { name: 'idx_pricing_raw_received', columns: ['received_at'] },
      { name: 'uq_pricing_raw_dedup', columns: ['dedup_key'], unique: true },
    ],
  },
  {
    name: 'pricing_snapshots_clean',
    columns: {
      pool_id: c.str(128),
      bucket_start: c.time(),
      spot_price: c.price(),
      on_demand_price: c.price(nullable),
      data_source: c.str(20),
      confidence_score: c.ratio(4, 3),
      interpolation_method: c.str(32, nullable),
      flagged_for_review: c.bool({ default: false }),
      source_count: c.int({ default: 1 }),
      created_at: c.time(),
      updated_at: c.time(),
    },
    primary: ['pool_id', 'bucket_start'],
    indices: [{ name: 'idx_pricing_clean_bucket', columns: ['bucket_start'] }],
    foreignKeys: [{ name: 'fk_pricing_clean_pool', columns: ['pool_id'], references: 'spot_pools', onDelete: 'CASCADE' }],
  },
  {
    name: 'pricing_snapshots_interpolated',
    columns: {
      id: c.id(),
      pool_id: c.str(128),
      bucket_start: c.time(),
      gap_type: c.str(10),
      interpolation_method: c.str(32),
      gap_start: c.time(),
      gap_end: c.time(),
      gap_buckets: c.int(),
      price_before: c.price(nullable),
      price_after: c.price(nullable),
      interpolated_price: c.price(),
      confidence_score: c.ratio(4, 3),
      peer_pools: c.json(nullable),
      replaced_at: c.time(nullable),
      created_at: c.time(),
    },
    indices: [{ name: 'idx_pricing_interp_pool_bucket', columns: ['pool_id', 'bucket_start'] }],
  },
  {
    name: 'switches',
    columns: {
      id: c.id(),
      client_id: c.uuid(),
      agent_id: c.uuid(),
      command_id: c.uuid(nullable),
      old_instance_id: c.str(64, nullable),
      old_mode: c.str(20, nullable),
      old_pool_id: c.str(128, nullable),
      old_price: c.price(nullable),
      new_instance_id: c.str(64, nullable),
      new_mode: c.str(20, nullable),
      new_pool_id: c.str(128, nullable),
      new_price: c.price(nullable),
      on_demand_price: c.price(nullable),
      savings_impact: c.price(nullable),
      event_trigger: c.str(50),
      success: c.bool({ default: true }),
      error_message: c.text(nullable),
      downtime_ms: c.int(nullable),
      initiated_at: c.time(),
      ami_created_at: c.time(nullable),
      instance_launched_at: c.time(nullable),
      instance_ready_at: c.time(nullable),
      old_terminated_at: c.time(nullable),
      created_at: c.time(),
    },
    indices: [
      { name: 'idx_switches_client_initiated', columns: ['client_id', 'initiated_at'] },
      { name: 'idx_switches_agent_initiated', columns: ['agent_id', 'initiated_at'] },
    ],
    foreignKeys: [{ name: 'fk_switches_agent', columns: ['agent_id'], references: 'agents', onDelete: 'CASCADE' }],
  },
  {
    name: 'commands',
    columns: {
      id: c.id(),
      client_id: c.uuid(),
      agent_id: c.uuid(),
      command_type: c.str(50),
      priority: c.int(),
      origin: c.str(20),
      status: c.str(20, { default: 'pending' }),
      payload: c.json(nullable),
      idempotency_key: c.str(128, nullable),
      superseded_by: c.uuid(nullable),
      created_by: c.str(255, nullable),
      result: c.json(nullable),
      error_message: c.text(nullable),
      execution_duration_ms: c.int(nullable),
      created_at: c.time(),
      claimed_at: c.time(nullable),
      completed_at: c.time(nullable),
      expires_at: c.time(nullable),
      updated_at: c.time(),
    },
    indices: [
      { name: 'idx_commands_agent_queue', columns: ['agent_id', 'status', 'priority', 'created_at'] },
      { name: 'idx_commands_status_expires', columns: ['status', 'expires_at'] },
      { name: 'uq_commands_idempotency', columns: ['agent_id', 'idempotency_key'], unique: true },
    ],
    foreignKeys: [{ name: 'fk_commands_agent', columns: ['agent_id'], references: 'agents', onDelete: 'CASCADE' }],
  },
  {
    name: 'spot_interruption_events',
    columns: {
      id: c.id(),
      client_id: c.uuid(),
      agent_id: c.uuid(),
      instance_id: c.str(64),
      pool_id: c.str(128, nullable),
      signal_type: c.str(40),
      dedup_key: c.str(64),
      instance_action: c.str(20, nullable),
      action_time: c.time(nullable),
      detected_at: c.time(),
      reported_by: c.str(10, nullable),
      risk_score: c.ratio(5, 4, nullable),
      response_action: c.str(50, nullable),
      replica_id: c.uuid(nullable),
      command_id: c.uuid(nullable),
      failover_completed: c.bool({ default: false }),
      failover_time_ms: c.int(nullable),
      success: c.bool(nullable),
      error_message: c.text(nullable),
      metadata: c.json(nullable),
      created_at: c.time(),
      updated_at: c.time(),
    },
    indices: [
      { name: 'uq_interruptions_dedup', columns: ['dedup_key'], unique: true },
      { name: 'idx_interruptions_client_detected', columns: ['client_id', 'detected_at'] },
      { name: 'idx_interruptions_pool_detected', columns: ['pool_id', 'detected_at'] },
    ],
    foreignKeys: [{ name: 'fk_interruptions_agent', columns: ['agent_id'], references: 'agents', onDelete: 'CASCADE' }],
  },
  {
    name: 'system_events',
    columns: {
      id: c.id(),
      event_type: c.str(64),
      severity: c.str(16),
      component: c.str(32),
      client_id: c.uuid(nullable),
      agent_id: c.uuid(nullable),
      message: c.text(),
      metadata: c.json(nullable),
      correlation_id: c.str(64, nullable),
      created_at: c.time(),
    },
    indices: [
      { name: 'idx_system_events_created', columns: ['created_at'] },
      { name: 'idx_system_events_client_created', columns: ['client_id', 'created_at'] },
      { name: 'idx_system_events_type_created', columns: ['event_type', 'created_at'] },
    ],
  },
  {
    name: 'notifications',
    columns: {
      id: c.id(),
      client_id: c.uuid(nullable),
      agent_id: c.uuid(nullable),
      category: c.str(64),
      title: c.str(255),
      message: c.text(),
      severity: c.str(16),
      is_read: c.bool({ default: false }),
      read_at: c.time(nullable),
      metadata: c.json(nullable),
      created_at: c.time(),
    },
    indices: [{ name: 'idx_notifications_client_read', columns: ['client_id', 'is_read', 'created_at'] }],
    foreignKeys: [{ name: 'fk_notifications_client', columns: ['client_id'], references: 'clients', onDelete: 'CASCADE' }],
  },
  {
    name: 'agent_decision_history',
    columns: {
      id: c.id(),
      client_id: c.uuid(),
      agent_id: c.uuid(),
      prediction_id: c.str(64),
      engine_name: c.str(64),
      engine_version: c.str(32, nullable),
      recommended_action: c.str(10),
      target: c.str(20),
      target_pool_id: c.str(128, nullable),
      interruption_probability: c.ratio(5, 4),
      confidence_score: c.ratio(5, 4),
      current_price: c.price(nullable),
      target_price: c.price(nullable),
      expected_savings_per_hour: c.price(nullable),
      reasons: c.json(nullable),
      fallback_used: c.bool({ default: false }),
      fallback_reason: c.text(nullable),
      command_id: c.uuid(nullable),
      latency_ms: c.int(nullable),
      decided_at: c.time(),
    },
    indices: [
      { name: 'idx_decisions_agent_decided', columns: ['agent_id', 'decided_at'] },
      { name: 'idx_decisions_client_decided', columns: ['client_id', 'decided_at'] },
    ],
    foreignKeys: [{ name: 'fk_decisions_agent', columns: ['agent_id'], references: 'agents', onDelete: 'CASCADE' }],
  },
  {
    name: 'clients_daily_snapshot',
    columns: {
      snapshot_date: c.date({ primary: true }),
      total_clients: c.int(),
      active_clients: c.int(),
      new_clients: c.int(),
      total_agents: c.int(),
      active_instances: c.int(),
      created_at: c.time(),
    },
  },
  {
    name: 'model_upload_sessions',
    columns: {
      id: c.id(),
      session_type: c.str(20),
      status: c.str(20),
      is_live: c.bool({ default: false }),
      is_fallback: c.bool({ default: false }),
      engine_name: c.str(64, nullable),
      model_format: c.str(16, nullable),
      file_count: c.int({ default: 0 }),
      file_names: c.json(nullable),
      storage_path: c.str(512, nullable),
      checksum: c.str(64, nullable),
      validation_result: c.json(nullable),
      error_message: c.text(nullable),
      uploaded_by: c.str(255, nullable),
      created_at: c.time(),
      validated_at: c.time(nullable),
      activated_at: c.time(nullable),
      updated_at: c.time(),
    },
    indices: [
      { name: 'idx_model_sessions_live', columns: ['is_live'] },
      { name: 'idx_model_sessions_created', columns: ['created_at'] },
    ],
  },
  {
    name: 'cleanup_logs',
    columns: {
      id: c.id(),
      client_id: c.uuid(),
      agent_id: c.uuid(),
      cleanup_type: c.str(20),
      amis_deleted: c.int({ default: 0 }),
      snapshots_deleted: c.int({ default: 0 }),
      bytes_freed: c.bigint(nullable),
      retention_days: c.int(nullable),
      success: c.bool(),
      error_message: c.text(nullable),
      details: c.json(nullable),
      started_at: c.time(),
      completed_at: c.time(nullable),
      created_at: c.time(),
    },
    indices: [{ name: 'idx_cleanup_logs_agent_started', columns: ['agent_id', 'started_at'] }],
    foreignKeys: [{ name: 'fk_cleanup_logs_agent', columns: ['agent_id'], references: 'agents', onDelete: 'CASCADE' }],
  },
  {
    name: 'savings_snapshots',
    columns: {
      client_id: c.str(36),
      snapshot_date: c.date(),
      on_demand_cost: c.money(),
      actual_cost: c.money(),
      savings: c.money(),
      savings_percent: c.ratio(7, 4),
      instance_hours: c.ratio(12, 4, { default: 0 }),
      switch_count: c.int({ default: 0 }),
      interruption_count: c.int({ default: 0 }),
      created_at: c.time(),
    },
    primary: ['client_id', 'snapshot_date'],
    foreignKeys: [{ name: 'fk_savings_snapshots_client', columns: ['client_id'], references: 'clients', onDelete: 'CASCADE' }],
  },
  {
    name: 'agent_health_metrics',
    columns: {
      id: c.id(),
      client_id: c.uuid(),
      agent_id: c.uuid(),
      instance_id: c.str(64, nullable),
      recorded_at: c.time(),
      cpu_percent: c.ratio(5, 2, nullable),
      memory_percent: c.ratio(5, 2, nullable),
      disk_percent: c.ratio(5, 2, nullable),
      uptime_seconds: c.bigint(nullable),
      heartbeat_interval_ms: c.int(nullable),
      status: c.str(20, nullable),
      metadata: c.json(nullable),
    },
    indices: [{ name: 'idx_health_metrics_agent_recorded', columns: ['agent_id', 'recorded_at'] }],
    foreignKeys: [{ name: 'fk_health_metrics_agent', columns: ['agent_id'], references: 'agents', onDelete: 'CASCADE' }],
  },
  {
    name: 'pool_risk_analysis',
    columns: {
      pool_id: c.str(128),
      hour_start: c.time(),
      avg_price: c.price(),
      min_price: c.price(),
      max_price: c.price(),
      price_volatility: c.ratio(10, 6),
      sample_count: c.int(),
      interpolated_count: c.int({ default: 0 }),
      interruption_count: c.int({ default: 0 }),
      advisor_bucket: c.int(nullable),
      risk_score: c.ratio(5, 4, nullable),
      computed_at: c.time(),
    },
    primary: ['pool_id', 'hour_start'],
    indices: [{ name: 'idx_pool_risk_hour', columns: ['hour_start'] }],
    foreignKeys: [{ name: 'fk_pool_risk_pool', columns: ['pool_id'], references: 'spot_pools', onDelete: 'CASCADE' }],
  },
  {
    name: 'replica_cost_log',
    columns: {
      id: c.id(),
      client_id: c.uuid(),
      agent_id: c.uuid(),
      replica_id: c.uuid(),
      pool_id: c.str(128, nullable),
      hourly_price: c.price(),
      period_start: c.time(),
      period_end: c.time(),
      cost: c.price(),
      reason: c.str(50, nullable),
      created_at: c.time(),
    },
    indices: [
      { name: 'idx_replica_cost_replica_period', columns: ['replica_id', 'period_start'] },
      { name: 'idx_replica_cost_client_period', columns: ['client_id', 'period_start'] },
    ],
    foreignKeys: [{ name: 'fk_replica_cost_replica', columns: ['replica_id'], references: 'replica_instances', onDelete: 'CASCADE' }],
  },
];

export class InitialSchema1795478400000 implements MigrationInterface {
  name = 'InitialSchema1795478400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const driver = queryRunner.connection.driver;
    for (const spec of TABLES) {
      const primary = new Set(spec.primary ?? []);
      const columns = Object.entries(spec.columns).map(([name, column]) =>
        columnOptions(driver, name, primary.has(name) ? { ...column, primary: true } : column),
      );
      await queryRunner.createTable(
        new Table({
          name: spec.name,
          columns,
          indices: (spec.indices ?? []).map((i) => new TableIndex({ name: i.name, columnNames: i.columns, isUnique: i.unique === true })),
          foreignKeys: (spec.foreignKeys ?? []).map(
            (fk) =>
              new TableForeignKey({
                name: fk.name,
                columnNames: fk.columns,
                referencedTableName: fk.references,
                referencedColumnNames: ['id'],
                onDelete: fk.onDelete,
                onUpdate: 'NO ACTION',
              }),
          ),
        }),
        false,
        true,
        true,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const spec of [...TABLES].reverse()) await queryRunner.dropTable(spec.name, true, true, true);
  }
}
