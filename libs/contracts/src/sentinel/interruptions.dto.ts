import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { PATTERNS } from '../common/validation-patterns';
import { IsTimestamp } from '../common/validators';

export const SIGNAL_TYPES = ['rebalance-recommendation', 'termination-notice'] as const;
export const INSTANCE_ACTIONS = ['terminate', 'stop', 'hibernate'] as const;
export const REPORTERS = ['primary', 'replica'] as const;

/**
 * Fields every interruption report carries. A notice belongs to the instance AWS raised it for,
 * so `instance_id` is required: defaulting to the agent's current instance made a notice re-sent
 * after a failover hit the promoted, healthy instance (issue 22, finding 2).
 */
export class InterruptionReportDto {
  @ApiProperty({ example: 'i-0a1b2c3d4e5f60718', description: 'The instance the notice was raised for (from its IMDS); a notice for an instance the workload already left answers instance-replaced' })
  @IsString()
  @Matches(PATTERNS.instanceId, { message: 'instance_id must be an EC2 instance id (i- followed by 8 or 17 hex digits)' })
  instance_id: string;

  @ApiPropertyOptional({ enum: REPORTERS, default: 'primary', description: 'Who reports: the primary or its replica (both may; it is one event)' })
  @IsOptional()
  @IsIn(REPORTERS)
  reported_by?: (typeof REPORTERS)[number];
}

export class RebalanceReportDto extends InterruptionReportDto {
  @ApiPropertyOptional({ example: '2026-11-24T10:35:00Z', description: 'noticeTime from IMDS events/recommendations/rebalance' })
  @IsOptional()
  @IsTimestamp()
  notice_time?: string;
}

export class TerminationReportDto extends InterruptionReportDto {
  @ApiPropertyOptional({ enum: INSTANCE_ACTIONS, default: 'terminate', description: 'action from IMDS spot/instance-action' })
  @IsOptional()
  @IsIn(INSTANCE_ACTIONS)
  action?: (typeof INSTANCE_ACTIONS)[number];

  @ApiPropertyOptional({ example: '2026-11-24T10:47:00Z', description: 'time from IMDS spot/instance-action (when AWS acts)' })
  @IsOptional()
  @IsTimestamp()
  termination_time?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The ready replica to promote (default: any ready replica)' })
  @IsOptional()
  @Matches(PATTERNS.uuid, { message: 'replica_id must be a UUID' })
  replica_id?: string;
}

/** Generic report (seed 000 flow 3): the signal type says which notice it is. */
export class InterruptionSignalDto extends TerminationReportDto {
  @ApiPropertyOptional({ enum: SIGNAL_TYPES, default: 'termination-notice' })
  @IsOptional()
  @IsIn(SIGNAL_TYPES)
  signal_type?: (typeof SIGNAL_TYPES)[number];

  @ApiPropertyOptional({ example: '2026-11-24T10:35:00Z', description: 'Rebalance notice time' })
  @IsOptional()
  @IsTimestamp()
  notice_time?: string;
}

export class InterruptionResponseDto {
  @ApiProperty({ format: 'uuid' })
  event_id: string;

  @ApiProperty({ enum: SIGNAL_TYPES })
  signal_type: string;

  @ApiProperty({ example: 'i-0a1b2c3d4e5f60718' })
  instance_id: string;

  @ApiProperty({ type: String, nullable: true, example: 'm5.large.eu-west-1a' })
  pool_id: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'promoted-existing-replica',
    description: 'monitor | instance-replaced | existing-replica | created-emergency-replica | promoted-existing-replica | emergency-launch | queued',
  })
  response_action: string | null;

  @ApiProperty({ type: Number, nullable: true, example: 0.42, description: 'Rebalance risk (0.4 history + 0.3 age + 0.3 volatility)' })
  risk_score: number | null;

  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  replica_id: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'Command queued for the agent' })
  command_id: string | null;

  @ApiProperty()
  failover_completed: boolean;

  @ApiProperty({ type: Number, nullable: true, description: 'Control-plane time from notice to promotion recorded' })
  failover_time_ms: number | null;

  @ApiProperty({ type: Boolean, nullable: true })
  success: boolean | null;

  @ApiProperty({ description: 'The same signal had been reported already (retry, or primary and replica)' })
  duplicate: boolean;

  @ApiProperty({ description: 'Held by the rate limiter; it runs as soon as there is room, by priority' })
  queued: boolean;

  @ApiProperty({ example: '2026-11-24T10:45:00.000Z' })
  detected_at: string;
}
