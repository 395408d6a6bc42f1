import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';

/** Seed 004 configuration modal; absent fields keep their value. Auto-switch and manual replica mode exclude each other. */
export class UpdateAgentSettingsRequestDto {
  @ApiPropertyOptional({ description: 'Engine recommendations switch the instance automatically' })
  @IsOptional()
  @IsBoolean()
  auto_switch?: boolean;

  @ApiPropertyOptional({ description: 'Terminate the old instance after a switch' })
  @IsOptional()
  @IsBoolean()
  auto_terminate?: boolean;

  @ApiPropertyOptional({ minimum: 0, maximum: 86400, description: 'Seconds before the old instance is terminated (0 = never)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400)
  terminate_wait_seconds?: number;

  @ApiPropertyOptional({ description: 'Keep exactly one standby replica at all times (needs auto_switch and auto_terminate off)' })
  @IsOptional()
  @IsBoolean()
  manual_replica?: boolean;

  @ApiPropertyOptional({ description: 'Replicas on rebalance/termination notices (emergencies always get one)' })
  @IsOptional()
  @IsBoolean()
  auto_replica?: boolean;
}
