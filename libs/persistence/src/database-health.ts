import { DataSource } from 'typeorm';
import { dialectOf, Dialect } from './data-source.factory';

export interface DatabaseHealthReport {
  status: 'ok' | 'error';
  dialect: Dialect;
  latencyMs: number;
  pendingMigrations: boolean | null;
  error?: string;
}

export class DatabaseHealth {
  constructor(private readonly dataSource: DataSource) {}

  async check(): Promise<DatabaseHealthReport> {
    const started = performance.now();
    const dialect = dialectOf(this.dataSource);
    try {
      const ran = (await this.dataSource.query('SELECT COUNT(*) AS n FROM migrations')) as Array<{ n: number | string }>;
      const pending = Number(ran[0].n) < this.dataSource.migrations.length;
      return { status: 'ok', dialect, latencyMs: Math.round(performance.now() - started), pendingMigrations: pending };
    } catch (error) {
      return {
        status: 'error',
        dialect,
        latencyMs: Math.round(performance.now() - started),
        pendingMigrations: null,
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }
}
