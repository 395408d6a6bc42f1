import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PATTERNS } from '../common/validation-patterns';
import { IsDisplayName, Trim } from '../common/validators';
import { AgentConfigDto } from './agent-config.dto';

export const CAPACITY_MODES = ['spot', 'on-demand'] as const;

/** What registration tells an agent it is (see RegisterAgentResponseDto.role). */
export const AGENT_ROLES = ['primary', 'replica', 'retired'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

/** Sent by an agent at start-up, with its client token as Bearer. */
export class RegisterAgentRequestDto {
  @ApiProperty({
    example: 'web-frontend-1',
    maxLength: 255,
    description: 'Stable name of the workload; re-registering it from a new instance keeps the same agent',
  })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @Matches(PATTERNS.logicalAgentId, { message: 'logical_agent_id may contain letters, digits and . _ : / - and must start with a letter or digit' })
  logical_agent_id: string;

  @ApiProperty({ example: 'i-0a1b2c3d4e5f60718' })
  @IsString()
  @Matches(PATTERNS.instanceId, { message: 'instance_id must be an EC2 instance id (i- followed by 8 or 17 hex digits)' })
  instance_id: string;

  @ApiProperty({ example: 'm5.large', maxLength: 32 })
  @IsString()
  @MaxLength(32)
  @Matches(PATTERNS.instanceType, { message: 'instance_type must look like m5.large' })
  instance_type: string;

  @ApiProperty({ example: 'eu-west-1', maxLength: 32 })
  @IsString()
  @MaxLength(32)
  @Matches(PATTERNS.region, { message: 'region must look like eu-west-1' })
  region: string;

  @ApiProperty({ example: 'eu-west-1a', maxLength: 32, description: 'Must lie in `region`' })
  @IsString()
  @MaxLength(32)
  @Matches(PATTERNS.az, { message: 'az must look like eu-west-1a' })
  az: string;

  @ApiProperty({ enum: CAPACITY_MODES, description: 'How the instance is billed now' })
  @IsIn(CAPACITY_MODES)
  mode: (typeof CAPACITY_MODES)[number];

  @ApiPropertyOptional({ example: 'ip-10-0-1-23.eu-west-1.compute.internal', maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @IsDisplayName()
  hostname?: string;

  @ApiPropertyOptional({ example: '0.1.0', maxLength: 32 })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  @IsDisplayName()
  agent_version?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Set by a replica’s agent: it registers as that replica of the logical agent, and merges into it on promotion' })
  @IsOptional()
  @Matches(PATTERNS.uuid, { message: 'replica_id must be a UUID' })
  replica_id?: string;
}

export class RegisterAgentResponseDto {
  @ApiProperty({ format: 'uuid', description: 'Same id for every registration of this logical agent' })
  agent_id: string;

  @ApiProperty({ description: 'Bearer token for /api/agents/{agent_id}/*; valid for this agent only' })
  agent_token: string;

  @ApiProperty({ description: 'True when this call minted the agent' })
  created: boolean;

  @ApiProperty({ description: 'True when the agent moved here from another instance' })
  instance_changed: boolean;

  @ApiProperty({ type: AgentConfigDto })
  config: AgentConfigDto;

  @ApiProperty({
    enum: AGENT_ROLES,
    description:
      'The role the control plane gives this instance now. primary: it runs the workload. replica: it runs a standby (replica_id), and becomes the primary when promoted. ' +
      'retired: the workload has moved to another instance; this agent must stop acting (no commands, no reports as primary) and the instance goes at terminate_at',
  })
  role: AgentRole;

  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  replica_id: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'instance-replaced', description: 'Only when role is retired: why (instance-replaced, replica-ended)' })
  retired_reason?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '2026-11-24T20:05:00.000Z',
    description: 'Only when role is retired: when this instance is to be terminated (instance-replaced: end of terminate_wait_seconds after the switch; replica-ended: now); null when it is not to be terminated (auto-terminate off)',
  })
  terminate_at?: string | null;
}

/** Ten years: an uptime beyond it is a broken clock, not a server. */
export const MAX_UPTIME_SECONDS = 10 * 365 * 24 * 3600;

export class HeartbeatRequestDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Chosen by the agent for this heartbeat: a re-send with the same id stores its health sample once' })
  @IsOptional()
  @Matches(PATTERNS.uuid, { message: 'report_id must be a UUID' })
  report_id?: string;

  @ApiPropertyOptional({ example: 'i-0a1b2c3d4e5f60718', description: 'Instance the sending agent runs on' })
  @IsOptional()
  @IsString()
  @Matches(PATTERNS.instanceId, { message: 'instance_id must be an EC2 instance id (i- followed by 8 or 17 hex digits)' })
  instance_id?: string;

  @ApiPropertyOptional({ example: '0.1.0', maxLength: 32 })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  @IsDisplayName()
  agent_version?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, example: 37.5 })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  cpu_percent?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, example: 61.2 })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  memory_percent?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, example: 40 })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  disk_percent?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_UPTIME_SECONDS, example: 86400 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_UPTIME_SECONDS)
  uptime_seconds?: number;
}

export class HeartbeatResponseDto {
  @ApiProperty({ format: 'uuid' })
  agent_id: string;

  @ApiProperty({ enum: ['online', 'offline'] })
  status: string;

  @ApiProperty({ description: 'Fetch /config again when this differs from the one you hold' })
  config_version: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Instance the workload runs on now; differs from yours when this instance has been replaced',
  })
  current_instance_id: string | null;

  @ApiProperty({ example: '2026-11-24T20:00:00.000Z' })
  server_time: string;

  @ApiProperty({ description: 'The global SAFE_MODE (set by a super-admin): while true, make every AWS change a DryRun' })
  safe_mode: boolean;
}
