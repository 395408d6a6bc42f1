import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MAX_REPORT_JSON_CHARS, PATTERNS } from '../common/validation-patterns';
import { IsTimestamp, MaxJsonSize, ToInteger } from '../common/validators';

/**
 * Agent settings a command depends on, stamped into its payload when the agent claims it, so a
 * setting changed a moment before the claim is the one the agent acts on (it does not wait for
 * its next config fetch). Carried by switch, launch-replica, emergency-launch and promote-replica.
 */
export interface CommandSettingsPayload {
  /** Seconds the old instance keeps running after the workload left it, before it is terminated. */
  terminate_wait_seconds: number;
  /** Whether the old instance is terminated at all after the wait. */
  auto_terminate_enabled: boolean;
}

/** Command types whose payload carries CommandSettingsPayload. */
export const SETTINGS_STAMPED_COMMANDS = ['switch', 'launch-replica', 'emergency-launch', 'promote-replica'] as const;

export class CommandDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  agent_id: string;

  @ApiProperty({ example: 'switch', description: 'switch | launch-replica | promote-replica | emergency-launch | terminate-instance | cleanup' })
  command_type: string;

  @ApiProperty({ example: 75, description: 'emergency 100, manual 75, automatic 50: higher is handed out first' })
  priority: number;

  @ApiProperty({ enum: ['automatic', 'manual', 'emergency'] })
  origin: string;

  @ApiProperty({ enum: ['pending', 'executing', 'completed', 'failed', 'expired', 'superseded'] })
  status: string;

  @ApiProperty({
    type: Object,
    nullable: true,
    description:
      'What to do, e.g. {target, mode, pool_id, instance_type, az}. switch, launch-replica, emergency-launch and promote-replica also carry the agent settings they depend on, as they were when the agent claimed the command: {terminate_wait_seconds, auto_terminate_enabled}',
  })
  payload: Record<string, unknown> | null;

  @ApiProperty({ type: String, nullable: true })
  created_by: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The newer command that replaced this one' })
  superseded_by: string | null;

  @ApiProperty({ type: Object, nullable: true })
  result: Record<string, unknown> | null;

  @ApiProperty({ type: String, nullable: true })
  error_message: string | null;

  @ApiProperty({ type: Number, nullable: true })
  execution_duration_ms: number | null;

  @ApiProperty({ example: '2026-11-24T20:00:00.000Z' })
  created_at: string;

  @ApiProperty({ type: String, nullable: true, description: 'When it goes stale unless claimed' })
  expires_at: string | null;

  @ApiProperty({ type: String, nullable: true })
  claimed_at: string | null;

  @ApiProperty({ type: String, nullable: true })
  completed_at: string | null;
}

export class PendingCommandsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 10, description: 'Most commands to hand out in one poll' })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}

export class PendingCommandsResponseDto {
  @ApiProperty({ type: [CommandDto], description: 'Claimed for this agent (now executing), highest priority first' })
  commands: CommandDto[];

  @ApiProperty({ example: '2026-11-24T20:00:00.000Z' })
  server_time: string;
}

export class CommandExecutedRequestDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Chosen by the agent, stable across re-sends. A command keeps its first result: a repeat answers it' })
  @IsOptional()
  @Matches(PATTERNS.uuid, { message: 'report_id must be a UUID' })
  report_id?: string;

  @ApiProperty()
  @IsBoolean()
  success: boolean;

  @ApiPropertyOptional({ type: Object, description: 'Anything the agent wants kept, e.g. {new_instance_id}; at most 16,000 characters as JSON' })
  @IsOptional()
  @IsObject()
  @MaxJsonSize(MAX_REPORT_JSON_CHARS)
  result?: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  error_message?: string;

  @ApiPropertyOptional({ minimum: 0, description: 'Measured by the agent; otherwise claim → report' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 3600 * 1000)
  duration_ms?: number;

  @ApiPropertyOptional({ example: '2026-11-24T20:00:00.000Z' })
  @IsOptional()
  @IsTimestamp()
  started_at?: string;

  @ApiPropertyOptional({ example: '2026-11-24T20:01:30.000Z' })
  @IsOptional()
  @IsTimestamp()
  completed_at?: string;
}

export class CommandExecutedResponseDto {
  @ApiProperty({ type: CommandDto })
  command: CommandDto;

  @ApiProperty({ description: 'The result had been recorded before (a retry): nothing changed' })
  already_recorded: boolean;
}
