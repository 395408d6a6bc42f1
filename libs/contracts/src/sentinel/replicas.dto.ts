import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../common/page.dto';
import { MAX_POOL_ID_LENGTH, PATTERNS } from '../common/validation-patterns';
import { IsDisplayName } from '../common/validators';

export const REPLICA_TYPES = ['manual', 'automatic-rebalance', 'automatic-termination'] as const;
export const REPLICA_STATUSES = ['launching', 'syncing', 'ready', 'promoted', 'terminated', 'failed'] as const;
/** Statuses a replica's agent may report; promotion has its own route. */
export const REPORTABLE_REPLICA_STATUSES = ['syncing', 'ready', 'failed', 'terminated'] as const;

const POOL_ID = /^[a-z][a-z0-9-]*\.[a-z0-9-]+\.[a-z]{2}(?:-gov)?-[a-z]+-\d(?:-[a-z0-9]+)*[a-z]$/;

export class CreateReplicaRequestDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'm5.large.eu-west-1b', description: 'Pool to use; null or absent: the cheapest allowed pool' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MaxLength(MAX_POOL_ID_LENGTH)
  @Matches(POOL_ID, { message: 'pool_id must look like m5.large.eu-west-1b' })
  pool_id?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['eu-west-1a'], description: 'Zones the replica must not use' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @MaxLength(32, { each: true })
  @Matches(PATTERNS.az, { each: true, message: 'each of exclude_zones must look like eu-west-1a' })
  exclude_zones?: string[];

  @ApiPropertyOptional({ example: 'admin@company.com', maxLength: 255, description: 'Defaults to the caller' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @IsDisplayName()
  created_by?: string;
}

export class UpdateReplicaRequestDto {
  @ApiProperty({ example: 'i-0b1c2d3e4f5a60718', description: 'The instance the replica runs on' })
  @IsString()
  @Matches(PATTERNS.instanceId, { message: 'instance_id must be an EC2 instance id (i- followed by 8 or 17 hex digits)' })
  instance_id: string;
}

export class ReplicaStatusRequestDto {
  @ApiProperty({ enum: REPORTABLE_REPLICA_STATUSES })
  @IsIn(REPORTABLE_REPLICA_STATUSES)
  status: (typeof REPORTABLE_REPLICA_STATUSES)[number];

  @ApiPropertyOptional({ maxLength: 50, description: 'Why (failed / terminated)' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  @IsDisplayName()
  detail?: string;
}

/** JSON types are taken as sent: `true`, `""` or `"45"` are not numbers (no implicit conversion). */
export class ReplicaSyncRequestDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Chosen by the agent, stable across re-sends: a repeat answers the replica without applying the report again' })
  @IsOptional()
  @Matches(PATTERNS.uuid, { message: 'report_id must be a UUID' })
  report_id?: string;

  @ApiProperty({ minimum: 0, maximum: 100, example: 45.5, description: 'State transfer progress in %; 100 makes the replica ready' })
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  progress: number;

  @ApiPropertyOptional({ maxLength: 50, example: 'syncing' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  @IsDisplayName()
  sync_status?: string;

  @ApiPropertyOptional({ minimum: 0, example: 50, description: 'Replication lag to the primary' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  latency_ms?: number;
}

export class PromoteReplicaRequestDto {
  @ApiPropertyOptional({ default: false, description: 'Keep the old primary as the new standby replica' })
  @IsOptional()
  @IsBoolean()
  demote_old_primary?: boolean;
}

export class ReplicaDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  agent_id: string;

  @ApiProperty({ enum: REPLICA_TYPES })
  replica_type: string;

  @ApiProperty({ enum: REPLICA_STATUSES })
  status: string;

  @ApiProperty({ type: String, nullable: true, example: 'm5.large.eu-west-1b', description: 'null: on-demand capacity' })
  pool_id: string | null;

  @ApiProperty({ type: String, nullable: true })
  instance_type: string | null;

  @ApiProperty({ type: String, nullable: true })
  az: string | null;

  @ApiProperty({ type: String, nullable: true })
  instance_id: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The primary instance it shadows' })
  parent_instance_id: string | null;

  @ApiProperty({ type: Number, nullable: true, description: '$/h when chosen' })
  hourly_price: number | null;

  @ApiProperty({ type: String, nullable: true })
  sync_status: string | null;

  @ApiProperty({ example: 45.5 })
  sync_progress: number;

  @ApiProperty({ type: Number, nullable: true })
  sync_latency_ms: number | null;

  @ApiProperty({ type: String, nullable: true })
  created_by: string | null;

  @ApiProperty()
  is_active: boolean;

  @ApiProperty()
  created_at: string;

  @ApiProperty({ type: String, nullable: true })
  ready_at: string | null;

  @ApiProperty({ type: String, nullable: true })
  promoted_at: string | null;

  @ApiProperty({ type: String, nullable: true })
  terminated_at: string | null;
}

export class ReplicaCreatedDto extends ReplicaDto {
  @ApiProperty({ format: 'uuid', description: 'launch command queued for the primary’s agent' })
  command_id: string;

  @ApiProperty({ enum: ['requested', 'same-type-other-az', 'other-type', 'on-demand'] })
  placement_tier: string;
}

export class ReplicaPromotedDto {
  @ApiProperty({ type: ReplicaDto })
  replica: ReplicaDto;

  @ApiProperty({ format: 'uuid', description: 'promote command for the replica’s agent' })
  command_id: string;

  @ApiProperty({ format: 'uuid' })
  switch_id: string;

  @ApiProperty({ type: ReplicaDto, nullable: true, description: 'The new standby (demoted old primary, or a new manual replica)' })
  next_replica: ReplicaDto | null;
}

export class ReplicaPageDto extends PageMetaDto {
  @ApiProperty({ type: [ReplicaDto] })
  items: ReplicaDto[];
}

export const REPLICA_LIST_FILTERS = ['active', 'all'] as const;

export class ListReplicasQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: REPLICA_LIST_FILTERS, default: 'all' })
  @IsOptional()
  @IsIn(REPLICA_LIST_FILTERS)
  status?: (typeof REPLICA_LIST_FILTERS)[number];

  @ApiPropertyOptional({ format: 'uuid', description: 'Only this agent’s replicas' })
  @IsOptional()
  @Matches(PATTERNS.uuid, { message: 'agent_id must be a UUID' })
  agent_id?: string;
}
