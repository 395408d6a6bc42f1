import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MAX_REPORT_JSON_CHARS, PATTERNS } from '../common/validation-patterns';
import { IsTimestamp, MaxJsonSize } from '../common/validators';

/** A petabyte: more than any agent's AMIs and snapshots, and exact in a double and a BIGINT. */
export const MAX_BYTES_FREED = 1e15;

export const CLEANUP_TYPES = ['ami', 'snapshot', 'full'] as const;

/** What an agent's AMI/snapshot cleanup removed (seed 001 Cleanup Manager, `cleanup_logs`). */
export class CleanupReportRequestDto {
  @ApiProperty({ format: 'uuid', description: 'Chosen by the agent: a re-sent report with the same id is recorded once' })
  @Matches(PATTERNS.uuid, { message: 'report_id must be a UUID' })
  report_id: string;

  @ApiProperty({ enum: CLEANUP_TYPES })
  @IsIn(CLEANUP_TYPES)
  cleanup_type: (typeof CLEANUP_TYPES)[number];

  @ApiProperty({ minimum: 0, example: 2 })
  @IsInt()
  @Min(0)
  @Max(100_000)
  amis_deleted: number;

  @ApiProperty({ minimum: 0, example: 2 })
  @IsInt()
  @Min(0)
  @Max(100_000)
  snapshots_deleted: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_BYTES_FREED, example: 16106127360 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_BYTES_FREED)
  bytes_freed?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 3650, example: 7 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  retention_days?: number;

  @ApiProperty()
  @IsBoolean()
  success: boolean;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  error_message?: string;

  @ApiPropertyOptional({ type: Object, description: 'E.g. {images: [...], snapshots: [...], dry_run}; at most 16,000 characters as JSON' })
  @IsOptional()
  @IsObject()
  @MaxJsonSize(MAX_REPORT_JSON_CHARS)
  details?: Record<string, unknown>;

  @ApiProperty({ example: '2026-11-24T03:00:00.000Z' })
  @IsTimestamp()
  started_at: string;

  @ApiPropertyOptional({ example: '2026-11-24T03:00:12.000Z' })
  @IsOptional()
  @IsTimestamp()
  completed_at?: string;
}

export class CleanupLogDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  agent_id: string;

  @ApiProperty({ enum: CLEANUP_TYPES })
  cleanup_type: string;

  @ApiProperty()
  amis_deleted: number;

  @ApiProperty()
  snapshots_deleted: number;

  @ApiProperty({ type: Number, nullable: true })
  bytes_freed: number | null;

  @ApiProperty({ type: Number, nullable: true })
  retention_days: number | null;

  @ApiProperty()
  success: boolean;

  @ApiProperty({ type: String, nullable: true })
  error_message: string | null;

  @ApiProperty({ type: Object, nullable: true })
  details: Record<string, unknown> | null;

  @ApiProperty()
  started_at: string;

  @ApiProperty({ type: String, nullable: true })
  completed_at: string | null;

  @ApiProperty()
  created_at: string;
}

export class CleanupReportResponseDto {
  @ApiProperty({ type: CleanupLogDto })
  cleanup: CleanupLogDto;

  @ApiProperty({ description: 'This report id had been recorded before (a retry): nothing changed' })
  duplicate: boolean;
}
