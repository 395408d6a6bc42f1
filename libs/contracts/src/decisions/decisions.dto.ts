import { ApiProperty } from '@nestjs/swagger';
import { PageMetaDto } from '../common/page.dto';
import { CommandDto } from './commands.dto';

export class RecommendationDto {
  @ApiProperty({ enum: ['pool', 'on-demand', 'stay'] })
  target: string;

  @ApiProperty({ type: String, nullable: true, example: 'm5.large.eu-west-1b', description: 'Set when target is pool' })
  pool_id: string | null;

  @ApiProperty({ example: 0.072, description: 'Current price − target price, $/h (negative: the move costs more, e.g. back to on-demand)' })
  expected_savings_per_h: number;

  @ApiProperty({ example: 0.05, description: 'Interruption risk (0–1) of the target' })
  risk: number;

  @ApiProperty({ type: [String], example: ['spot saves enough at an acceptable risk'] })
  reasons: string[];
}

export class DecisionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  agent_id: string;

  @ApiProperty({ example: 'rb-3f2a…' })
  prediction_id: string;

  @ApiProperty({ example: 'rule-based' })
  engine_name: string;

  @ApiProperty({ type: String, nullable: true, example: '1.0.0' })
  engine_version: string | null;

  @ApiProperty({ example: '2026-11-24T20:00:00.000Z' })
  decided_at: string;

  @ApiProperty({ example: 0.05, description: 'Probability (0–1) that the workload type/AZ spot pool is interrupted (contract v1.0)' })
  interruption_probability: number;

  @ApiProperty({ example: 0.95 })
  confidence_score: number;

  @ApiProperty({ enum: ['SAFE', 'CAUTION', 'AVOID'], description: 'SAFE < 0.2 ≤ CAUTION ≤ 0.5 < AVOID' })
  recommended_action: string;

  @ApiProperty({ type: RecommendationDto })
  recommendation: RecommendationDto;

  @ApiProperty({ type: Number, nullable: true, description: '$/h the workload pays now' })
  current_price: number | null;

  @ApiProperty({ type: Number, nullable: true, description: '$/h at the target' })
  target_price: number | null;

  @ApiProperty({ description: 'The chosen engine failed or broke the contract; the rule-based engine answered' })
  fallback_used: boolean;

  @ApiProperty({ type: String, nullable: true })
  fallback_reason: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The automatic command this decision queued' })
  command_id: string | null;

  @ApiProperty({ type: Number, nullable: true })
  latency_ms: number | null;
}

export class DecisionResultDto {
  @ApiProperty({ type: DecisionDto })
  decision: DecisionDto;

  @ApiProperty({
    enum: ['command-issued', 'recommendation-only', 'no-change', 'command-refused'],
    description: 'command-issued: auto-switch on, an automatic command is queued; recommendation-only: shown, not acted on (auto-switch off); no-change: stay; command-refused: a higher-priority or running command covers the workload',
  })
  outcome: string;

  @ApiProperty()
  note: string;

  @ApiProperty({ type: CommandDto, nullable: true })
  command: CommandDto | null;
}

export class AgentDecisionDto {
  @ApiProperty({ format: 'uuid' })
  agent_id: string;

  @ApiProperty({ example: 'web-frontend-1' })
  logical_agent_id: string;

  @ApiProperty({ enum: ['online', 'offline'] })
  status: string;

  @ApiProperty()
  auto_switch_enabled: boolean;

  @ApiProperty({ enum: ['spot', 'on-demand', 'unknown'] })
  current_mode: string;

  @ApiProperty({ type: String, nullable: true })
  current_pool_id: string | null;

  @ApiProperty({ type: DecisionDto, nullable: true, description: 'Latest decision; null before the first one' })
  decision: DecisionDto | null;
}

export class AgentDecisionPageDto extends PageMetaDto {
  @ApiProperty({ type: [AgentDecisionDto] })
  items: AgentDecisionDto[];
}
