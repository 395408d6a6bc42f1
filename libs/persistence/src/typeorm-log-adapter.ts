import { Logger as TypeOrmLogger } from 'typeorm';
import { StructuredLogger } from '@spot/core';

const short = (query: string) => (query.length > 500 ? `${query.slice(0, 500)}…` : query);

/** TypeORM's messages in the product's log format, under component CORE-DB. */
export class TypeOrmLogAdapter implements TypeOrmLogger {
  constructor(private readonly logger: StructuredLogger) {}

  logQuery(query: string): void {
    this.logger.event({ level: 'debug', component: 'CORE-DB', action: 'QUERY', result: 'INFO', message: short(query) });
  }

  logQueryError(error: string | Error, query: string): void {
    this.logger.event({
      level: 'warn',
      component: 'CORE-DB',
      action: 'QUERY',
      result: 'FAILURE',
      message: error instanceof Error ? error.message : error,
      fields: { query: short(query) },
    });
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.event({ level: 'warn', component: 'CORE-DB', action: 'QUERY-SLOW', result: 'WARN', durationMs: time, message: short(query) });
  }

  logSchemaBuild(message: string): void {
    this.logger.event({ level: 'debug', component: 'CORE-DB', action: 'SCHEMA', result: 'INFO', message });
  }

  logMigration(message: string): void {
    this.logger.event({ level: 'debug', component: 'CORE-DB', action: 'MIGRATE', result: 'INFO', message });
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    this.logger.event({ level: level === 'warn' ? 'warn' : 'debug', component: 'CORE-DB', action: 'TYPEORM', result: level.toUpperCase(), message: String(message) });
  }
}
