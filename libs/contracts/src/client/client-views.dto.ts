import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ContinuitySettingsDto } from '../agents/continuity.dto';
import { ClientBaseDto } from '../common/client-base.dto';
import { PageMetaDto, PageQueryDto } from '../common/page.dto';

export class ClientLimitsDto {
  @ApiProperty({ example: 5 })
  max_agents: number;

  @ApiProperty({ example: 10 })
  max_instances: number;
}

export class ClientTotalsDto {
  @ApiProperty()
  agents: number;

  @ApiProperty()
  agents_online: number;

  @ApiProperty()
  instances_active: number;

  @ApiProperty()
  instances_terminated: number;

  @ApiProperty({ example: 1234.5678, description: 'Dollars saved so far' })
  total_savings: number;
}

export class ClientInfoDto extends ClientBaseDto {
  @ApiProperty({ type: ClientLimitsDto })
  limits: ClientLimitsDto;

  @ApiProperty({ type: ClientTotalsDto })
  totals: ClientTotalsDto;
}

export class AgentSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'web-frontend-1' })
  logical_agent_id: string;

  @ApiProperty({ enum: ['online', 'offline'] })
  status: string;

  @ApiProperty()
  enabled: boolean;

  @ApiProperty({ type: String, nullable: true })
  hostname: string | null;

  @ApiProperty({ type: String, nullable: true })
  agent_version: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'i-0a1b2c3d4e5f60718' })
  instance_id: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'm5.large' })
  instance_type: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'eu-west-1' })
  region: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'eu-west-1a' })
  az: string | null;

  @ApiProperty({ enum: ['spot', 'on-demand', 'unknown'] })
  current_mode: string;

  @ApiProperty({ type: String, nullable: true, example: 'm5.large.eu-west-1a' })
  current_pool_id: string | null;

  @ApiProperty({ type: String, nullable: true, example: '2026-11-24T20:00:00.000Z' })
  last_heartbeat_at: string | null;

  @ApiProperty()
  auto_switch_enabled: boolean;

  @ApiProperty()
  auto_terminate_enabled: boolean;

  @ApiProperty()
  terminate_wait_seconds: number;

  @ApiProperty()
  auto_replica_enabled: boolean;

  @ApiProperty()
  manual_replica_enabled: boolean;

  @ApiProperty()
  replica_count: number;

  @ApiProperty({ type: ContinuitySettingsDto, nullable: true, description: 'What follows the workload on a switch or failover (docs/continuity.md)' })
  continuity: ContinuitySettingsDto | null;

  @ApiProperty({ example: '2026-11-24T20:00:00.000Z' })
  created_at: string;
}

export class AgentPageDto extends PageMetaDto {
  @ApiProperty({ type: [AgentSummaryDto] })
  items: AgentSummaryDto[];
}

export const AGENT_STATUS_FILTERS = ['online', 'offline'] as const;

export class ListAgentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: AGENT_STATUS_FILTERS })
  @IsOptional()
  @IsIn(AGENT_STATUS_FILTERS)
  status?: (typeof AGENT_STATUS_FILTERS)[number];
}

export class InstanceDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'i-0a1b2c3d4e5f60718' })
  instance_id: string;

  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  agent_id: string | null;

  @ApiProperty({ example: 'm5.large' })
  instance_type: string;

  @ApiProperty({ example: 'eu-west-1' })
  region: string;

  @ApiProperty({ example: 'eu-west-1a' })
  az: string;

  @ApiProperty({ enum: ['spot', 'on-demand', 'unknown'] })
  current_mode: string;

  @ApiProperty({ type: String, nullable: true, example: 'm5.large.eu-west-1a' })
  current_pool_id: string | null;

  @ApiProperty({ type: Number, nullable: true, example: 0.0312 })
  spot_price: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 0.107 })
  ondemand_price: number | null;

  @ApiProperty()
  is_active: boolean;

  @ApiProperty({ example: '2026-11-24T20:00:00.000Z' })
  installed_at: string;

  @ApiProperty({ type: String, nullable: true })
  last_switch_at: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'When the workload moved off this instance' })
  replaced_at: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Only set when the instance was actually terminated' })
  terminated_at: string | null;
}

export class InstancePageDto extends PageMetaDto {
  @ApiProperty({ type: [InstanceDto] })
  items: InstanceDto[];
}

export const INSTANCE_STATUS_FILTERS = ['active', 'terminated', 'all'] as const;

export class ListInstancesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: INSTANCE_STATUS_FILTERS,
    default: 'active',
    description: 'active: instances the workloads run on now; terminated: instances they left',
  })
  @IsOptional()
  @IsIn(INSTANCE_STATUS_FILTERS)
  status?: (typeof INSTANCE_STATUS_FILTERS)[number];
}
