import { DataSource } from 'typeorm';
import { Clock, DomainError } from '@spot/core';
import { CleanupLogEntity, insertRow, isUniqueViolation } from '@spot/persistence';

export interface CleanupReport {
  reportId: string;
  clientId: string;
  agentId: string;
  cleanupType: string;
  amisDeleted: number;
  snapshotsDeleted: number;
  bytesFreed?: number | null;
  retentionDays?: number | null;
  success: boolean;
  errorMessage?: string | null;
  details?: Record<string, unknown> | null;
  startedAt: Date;
  completedAt?: Date | null;
}

/**
 * The agents' AMI/snapshot cleanup records (`cleanup_logs`, seed 001). The agent picks the
 * report id, so a report re-sent after a lost answer is recorded once.
 */
export class CleanupLog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async record(report: CleanupReport): Promise<{ entry: CleanupLogEntity; duplicate: boolean }> {
    const existing = await this.find(report.reportId, report.agentId);
    if (existing) return { entry: existing, duplicate: true };
    const entry: CleanupLogEntity = {
      id: report.reportId,
      clientId: report.clientId,
      agentId: report.agentId,
      cleanupType: report.cleanupType,
      amisDeleted: report.amisDeleted,
      snapshotsDeleted: report.snapshotsDeleted,
      bytesFreed: report.bytesFreed ?? null,
      retentionDays: report.retentionDays ?? null,
      success: report.success,
      errorMessage: report.errorMessage ?? null,
      details: report.details ?? null,
      startedAt: report.startedAt,
      completedAt: report.completedAt ?? null,
      createdAt: this.clock.now(),
    };
    try {
      await insertRow(this.dataSource.manager, CleanupLogEntity, entry);
    } catch (error) {
      // A retry racing its first attempt.
      const raced = isUniqueViolation(error) ? await this.find(report.reportId, report.agentId) : undefined;
      if (!raced) throw error;
      return { entry: raced, duplicate: true };
    }
    return { entry, duplicate: false };
  }

  private async find(id: string, agentId: string): Promise<CleanupLogEntity | undefined> {
    const row = await this.dataSource.getRepository(CleanupLogEntity).findOneBy({ id });
    if (!row) return undefined;
    if (row.agentId !== agentId) throw DomainError.conflict('REPORT_ID_IN_USE', `Report id ${id} belongs to another report; choose a new one`);
    return row;
  }
}
