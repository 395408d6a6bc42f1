import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { PageMetaDto } from '../common/page.dto';
import { MAX_POOL_ID_LENGTH, PATTERNS } from '../common/validation-patterns';
import { IsTimestamp } from '../common/validators';
import { CAPACITY_MODES } from '../agents/register-agent.dto';
import { CutoverStepDto } from '../agents/continuity.dto';
import { CommandDto } from './commands.dto';

const INSTANCE_ID_MESSAGE = 'must be an EC2 instance id (i- followed by 8 or 17 hex digits)';
const MAX_PRICE = 1000;

/** Sent by the agent once a switch is done (or has failed), with the seed-001 timing fields. */
export class SwitchReportRequestDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Chosen by the agent, stable across re-sends: a repeat (even concurrent) answers the first record. ' +
      'Without it a report is the same switch when it names the same command, or else the same new instance, outcome and initiated_at',
  })
  @IsOptional()
  @Matches(PATTERNS.uuid, { message: 'report_id must be a UUID' })
  report_id?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The command this switch carried out' })
  @IsOptional()
  @Matches(PATTERNS.uuid, { message: 'command_id must be a UUID' })
  command_id?: string;

  @ApiPropertyOptional({ example: 'i-0a1b2c3d4e5f60718', description: 'Defaults to the instance the agent runs on' })
  @IsOptional()
  @Matches(PATTERNS.instanceId, { message: `old_instance_id ${INSTANCE_ID_MESSAGE}` })
  old_instance_id?: string;

  @ApiProperty({ example: 'i-0b1c2d3e4f5a60719' })
  @Matches(PATTERNS.instanceId, { message: `new_instance_id ${INSTANCE_ID_MESSAGE}` })
  new_instance_id: string;

  @ApiProperty({ enum: CAPACITY_MODES })
  @IsIn(CAPACITY_MODES)
  mode: (typeof CAPACITY_MODES)[number];

  @ApiPropertyOptional({ example: 'm5.large.eu-west-1b', description: 'Spot pool of the new instance (gives its type and AZ)' })
  @IsOptional()
  @MaxLength(MAX_POOL_ID_LENGTH)
  @Matches(PATTERNS.poolId, { message: 'pool_id must look like m5.large.eu-west-1b' })
  pool_id?: string;

  @ApiPropertyOptional({ example: 'm5.large', description: 'Needed for on-demand when it differs from the current type' })
  @IsOptional()
  @MaxLength(32)
  @Matches(PATTERNS.instanceType, { message: 'instance_type must look like m5.large' })
  instance_type?: string;

  @ApiPropertyOptional({ example: 'eu-west-1b' })
  @IsOptional()
  @MaxLength(32)
  @Matches(PATTERNS.az, { message: 'az must look like eu-west-1a' })
  az?: string;

  @ApiPropertyOptional({ example: 0.035, description: '$/h of the new instance (spot price); on-demand defaults to the catalog price' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_PRICE)
  price?: number;

  @ApiPropertyOptional({ example: 0.107 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_PRICE)
  on_demand_price?: number;

  @ApiPropertyOptional({ example: 0.107, description: '$/h of the old instance; defaults to what was recorded for it' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_PRICE)
  old_price?: number;

  @ApiPropertyOptional({ example: 'automatic', maxLength: 50, description: 'Defaults to the command origin, else manual' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  @Matches(/^[a-z][a-z0-9-]*$/, { message: 'trigger must be lower-case words joined by -' })
  trigger?: string;

  @ApiProperty()
  @IsBoolean()
  success: boolean;

  @ApiPropertyOptional({ maxLength: 2000 })
  @ValidateIf((o: SwitchReportRequestDto) => o.error_message !== undefined)
  @IsString()
  @MaxLength(2000)
  error_message?: string;

  @ApiPropertyOptional({ example: '2026-11-24T20:00:00.000Z' })
  @IsOptional()
  @IsTimestamp()
  initiated_at?: string;

  @ApiPropertyOptional({ example: '2026-11-24T20:00:40.000Z' })
  @IsOptional()
  @IsTimestamp()
  ami_created_at?: string;

  @ApiPropertyOptional({ example: '2026-11-24T20:01:10.000Z' })
  @IsOptional()
  @IsTimestamp()
  instance_launched_at?: string;

  @ApiPropertyOptional({ example: '2026-11-24T20:01:30.000Z' })
  @IsOptional()
  @IsTimestamp()
  instance_ready_at?: string;

  @ApiPropertyOptional({ example: '2026-11-24T20:06:30.000Z', description: 'Only when the old instance was actually terminated' })
  @IsOptional()
  @IsTimestamp()
  old_terminated_at?: string;

  @ApiPropertyOptional({ example: 4200, minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(24 * 3600 * 1000)
  downtime_ms?: number;

  @ApiPropertyOptional({ type: [CutoverStepDto], description: 'Each cut-over step with its duration (docs/continuity.md)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CutoverStepDto)
  cutover_steps?: CutoverStepDto[];
}

export class SwitchDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  agent_id: string;

  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  command_id: string | null;

  @ApiProperty({ type: String, nullable: true })
  old_instance_id: string | null;

  @ApiProperty({ type: String, nullable: true })
  old_mode: string | null;

  @ApiProperty({ type: String, nullable: true })
  old_pool_id: string | null;

  @ApiProperty({ type: Number, nullable: true })
  old_price: number | null;

  @ApiProperty({ type: String, nullable: true })
  new_instance_id: string | null;

  @ApiProperty({ type: String, nullable: true })
  new_mode: string | null;

  @ApiProperty({ type: String, nullable: true })
  new_pool_id: string | null;

  @ApiProperty({ type: Number, nullable: true })
  new_price: number | null;

  @ApiProperty({ type: Number, nullable: true })
  on_demand_price: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Old − new price, $/h (positive saves money)' })
  savings_impact: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'savings_impact over a 730-hour month' })
  savings_impact_monthly: number | null;

  @ApiProperty({ example: 'automatic' })
  trigger: string;

  @ApiProperty()
  success: boolean;

  @ApiProperty({ type: String, nullable: true })
  error_message: string | null;

  @ApiProperty({ type: Number, nullable: true })
  downtime_ms: number | null;

  @ApiProperty()
  initiated_at: string;

  @ApiProperty({ type: String, nullable: true })
  ami_created_at: string | null;

  @ApiProperty({ type: String, nullable: true })
  instance_launched_at: string | null;

  @ApiProperty({ type: String, nullable: true })
  instance_ready_at: string | null;

  @ApiProperty({ type: String, nullable: true })
  old_terminated_at: string | null;

  @ApiProperty({ type: [CutoverStepDto], nullable: true })
  cutover_steps: CutoverStepDto[] | null;
}

export class PlacementPriceDto {
  @ApiProperty()
  price_per_h: number;

  @ApiProperty()
  savings_per_h: number;

  @ApiProperty()
  savings_percent: number;
}

export class SwitchProjectionDto {
  @ApiProperty()
  daily: number;

  @ApiProperty()
  monthly: number;

  @ApiProperty()
  yearly: number;
}

export class SwitchImpactDto {
  @ApiProperty({ type: PlacementPriceDto })
  before: PlacementPriceDto;

  @ApiProperty({ type: PlacementPriceDto })
  after: PlacementPriceDto;

  @ApiProperty({ description: 'Before − after, $/h' })
  improvement_per_h: number;

  @ApiProperty()
  improvement_percent: number;

  @ApiProperty({ type: SwitchProjectionDto })
  projection: SwitchProjectionDto;
}

export class SwitchReportResponseDto {
  @ApiProperty({ type: SwitchDto })
  switch: SwitchDto;

  @ApiProperty({ type: SwitchImpactDto, nullable: true, description: 'Null when a price is unknown, or for a repeated report' })
  impact: SwitchImpactDto | null;

  @ApiProperty({ type: Number, nullable: true, description: "The client's lifetime savings after this switch" })
  total_savings: number | null;

  @ApiProperty({ description: 'The same switch had been reported before: nothing changed' })
  duplicate: boolean;
}

export class SwitchPageDto extends PageMetaDto {
  @ApiProperty({ type: [SwitchDto] })
  items: SwitchDto[];
}

export const FORCE_SWITCH_TARGETS = ['pool', 'on-demand'] as const;

/** A person moves a workload now (manual, priority 75: replaces a pending automatic switch). */
export class ForceSwitchRequestDto {
  @ApiProperty({ enum: FORCE_SWITCH_TARGETS })
  @IsIn(FORCE_SWITCH_TARGETS)
  target: (typeof FORCE_SWITCH_TARGETS)[number];

  @ApiPropertyOptional({ example: 'm5.large.eu-west-1b', description: 'Required when target is pool' })
  @ValidateIf((o: ForceSwitchRequestDto) => o.target === 'pool' || o.pool_id !== undefined)
  @MaxLength(MAX_POOL_ID_LENGTH)
  @Matches(PATTERNS.poolId, { message: 'pool_id must look like m5.large.eu-west-1b (required when target is pool)' })
  pool_id?: string;
}

export class ForceSwitchResponseDto {
  @ApiProperty({ type: CommandDto })
  command: CommandDto;

  @ApiProperty({ type: [String], description: 'Pending automatic commands this one replaced', format: 'uuid' })
  superseded: string[];
}
