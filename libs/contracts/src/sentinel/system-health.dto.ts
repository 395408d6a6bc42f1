import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ToInteger } from '../common/validators';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { DatabaseHealthDto } from '../health.dto';

export class JobRunDto {
  @ApiProperty({ example: 'health-monitor' })
  job: string;

  @ApiProperty({ enum: ['completed', 'failed'] })
  last_status: string;

  @ApiProperty({ type: String, nullable: true })
  last_message: string | null;

  @ApiProperty()
  last_started_at: string;

  @ApiProperty()
  last_finished_at: string;

  @ApiProperty()
  last_duration_ms: number;

  @ApiProperty()
  run_count: number;

  @ApiProperty()
  failure_count: number;

  @ApiProperty({ type: String, nullable: true })
  last_failure_at: string | null;
}

export class AgentStatusCountsDto {
  @ApiProperty()
  online: number;

  @ApiProperty()
  offline: number;

  @ApiProperty()
  total: number;
}

export class SystemHealthDto {
  @ApiProperty({ enum: ['ok', 'degraded'] })
  status: string;

  @ApiProperty()
  time: string;

  @ApiProperty({ type: DatabaseHealthDto })
  database: DatabaseHealthDto;

  @ApiProperty({ type: [JobRunDto], description: 'Last run and outcome of each scheduled job' })
  jobs: JobRunDto[];

  @ApiProperty({ type: AgentStatusCountsDto })
  agents: AgentStatusCountsDto;

  @ApiProperty({ description: 'Commands waiting for agents' })
  pending_commands: number;

  @ApiProperty({ description: 'Emergency launches held by the rate limiter' })
  queued_emergencies: number;
}

export class GrowthQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 366, default: 30 })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(366)
  days?: number;
}

export class GrowthDayDto {
  @ApiProperty({ example: '2026-11-23' })
  date: string;

  @ApiProperty()
  total_clients: number;

  @ApiProperty()
  active_clients: number;

  @ApiProperty()
  new_clients: number;

  @ApiProperty()
  total_agents: number;

  @ApiProperty()
  active_instances: number;
}

export class GrowthDto {
  @ApiProperty({ type: [GrowthDayDto], description: 'One entry per day, oldest first' })
  days: GrowthDayDto[];
}
