import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CacheFactory, Clock, IdGenerator, RateLimiter, SafeModeSwitch, SharedHotData, SignalBus, SPOT_CONFIG, SpotConfig, StructuredLogger } from '@spot/core';
import { createDataSource } from './data-source.factory';
import { DatabaseHealth } from './database-health';
import { DatabaseLock } from './database-lock';
import { DatabaseRateLimiter } from './database-rate-limiter';
import { assertNoPendingMigrations, migrateDatabase } from './migration-runner';
import { JobRunLog } from './job-run-log';
import { JobPeriodLedger } from './job-period-ledger';
import { RecordedSafeMode } from './recorded-safe-mode';
import { SystemEventLog } from './system-event-log';
import { TransactionRunner } from './transaction-runner';

class DataSourceLifecycle implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * Opens the database and brings its schema up to date before any other provider can use it,
 * so no process serves on a stale schema.
 */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        {
          provide: DataSource,
          inject: [SPOT_CONFIG, StructuredLogger],
          useFactory: async (config: SpotConfig, logger: StructuredLogger) => {
            const dataSource = await createDataSource(config.database, logger);
            try {
              if (config.database.migrateOnStart) await migrateDatabase(dataSource, { logger });
              else await assertNoPendingMigrations(dataSource);
            } catch (error) {
              await dataSource.destroy();
              throw error;
            }
            return dataSource;
          },
        },
        DataSourceLifecycle,
        { provide: TransactionRunner, inject: [DataSource], useFactory: (ds: DataSource) => new TransactionRunner(ds) },
        { provide: DatabaseLock, inject: [DataSource], useFactory: (ds: DataSource) => DatabaseLock.for(ds) },
        { provide: DatabaseHealth, inject: [DataSource], useFactory: (ds: DataSource) => new DatabaseHealth(ds) },
        { provide: JobRunLog, inject: [DataSource], useFactory: (ds: DataSource) => new JobRunLog(ds) },
        // Sign-in, sign-up and emergency-admission limits hold across processes and restarts (DESIGN.md §9).
        // With REDIS_URL (libs/redis) counted in Redis, the database counting while Redis is down.
        {
          provide: RateLimiter,
          inject: [DataSource, Clock, { token: SharedHotData, optional: true }],
          useFactory: (ds: DataSource, clock: Clock, shared?: SharedHotData) => {
            const database = new DatabaseRateLimiter(ds, clock);
            return shared ? shared.rateLimiter(database) : database;
          },
        },
        {
          provide: SafeModeSwitch,
          inject: [SystemEventLog, CacheFactory, SignalBus],
          useFactory: (events: SystemEventLog, caches: CacheFactory, bus: SignalBus) => new RecordedSafeMode(events, caches, bus),
        },
        { provide: JobPeriodLedger, inject: [DataSource], useFactory: (ds: DataSource) => new JobPeriodLedger(ds) },
        {
          provide: SystemEventLog,
          inject: [DataSource, Clock, IdGenerator],
          useFactory: (ds: DataSource, clock: Clock, ids: IdGenerator) => new SystemEventLog(ds, clock, ids),
        },
      ],
      exports: [DataSource, TransactionRunner, DatabaseLock, DatabaseHealth, SystemEventLog, JobRunLog, JobPeriodLedger, RateLimiter, SafeModeSwitch],
    };
  }
}
