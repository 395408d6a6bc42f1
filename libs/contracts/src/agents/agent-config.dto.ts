import { ApiProperty } from '@nestjs/swagger';
import { ContinuitySettingsDto } from './continuity.dto';

export class AgentIntervalsDto {
  @ApiProperty({ example: 60 })
  heartbeat_seconds: number;

  @ApiProperty({ example: 60 })
  pricing_report_seconds: number;

  @ApiProperty({ example: 30 })
  command_poll_seconds: number;

  @ApiProperty({ example: 5 })
  interruption_poll_seconds: number;
}

/** What an agent needs to know to behave: the customer's toggles and the loop cadence. */
export class AgentConfigDto {
  @ApiProperty({ format: 'uuid' })
  agent_id: string;

  @ApiProperty({ example: 'web-frontend-1' })
  logical_agent_id: string;

  @ApiProperty({ description: 'Agent is allowed to act at all' })
  enabled: boolean;

  @ApiProperty({ description: 'Engine recommendations switch the instance automatically' })
  auto_switch_enabled: boolean;

  @ApiProperty({ description: 'Terminate the old instance after a switch' })
  auto_terminate_enabled: boolean;

  @ApiProperty({ example: 300, description: 'Seconds to wait before terminating the old instance (0 = never)' })
  terminate_wait_seconds: number;

  @ApiProperty({ description: 'Create replicas on rebalance/termination notices (emergencies always do)' })
  auto_replica_enabled: boolean;

  @ApiProperty({ description: 'Keep a standby replica at all times' })
  manual_replica_enabled: boolean;

  @ApiProperty({ example: 3, description: 'Changes whenever any of these settings changes' })
  config_version: number;

  @ApiProperty({ type: AgentIntervalsDto })
  intervals: AgentIntervalsDto;

  @ApiProperty({ type: ContinuitySettingsDto, nullable: true, description: 'What follows the workload on a switch or failover (docs/continuity.md)' })
  continuity: ContinuitySettingsDto | null;
}
