import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ToInteger } from '../common/validators';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const PRICE_SOURCES = ['primary', 'replica', 'averaged', 'interpolated', 'consensus'] as const;

export class PriceHistoryQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 30, default: 7, description: 'How many days back (the clean series keeps 30)' })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(30)
  days?: number;
}

export class PricePointDto {
  @ApiProperty({ example: '2026-11-24T11:55:00.000Z', description: 'Start of the 5-minute bucket' })
  t: string;

  @ApiProperty({ example: 0.0456 })
  price: number;

  @ApiProperty({
    enum: PRICE_SOURCES,
    description: "Measured by one client's primary or replica, their average (disagreement), the median of several clients (consensus), or interpolated",
  })
  source: string;

  @ApiProperty({ example: 1, description: '1.00 primary or consensus, 0.95 replica, 0.85/0.75/0.70 short/medium/long gap fill, 0.50 a capped unconfirmed jump' })
  confidence: number;
}

export class PoolPriceHistoryDto {
  @ApiProperty({ example: 'm5.large.eu-west-1a' })
  pool_id: string;

  @ApiProperty({ example: 'm5.large' })
  instance_type: string;

  @ApiProperty({ example: 'eu-west-1' })
  region: string;

  @ApiProperty({ example: 'eu-west-1a' })
  az: string;

  @ApiProperty({ example: '2026-11-17T12:00:00.000Z' })
  from: string;

  @ApiProperty({ example: '2026-11-24T12:00:00.000Z' })
  to: string;

  @ApiProperty({ type: [PricePointDto], description: '5-minute points, oldest first' })
  points: PricePointDto[];
}

export class CandidatePoolHistoryDto extends PoolPriceHistoryDto {
  @ApiProperty({ description: "The instance's own type (in another AZ or its own)" })
  same_type: boolean;

  @ApiProperty({ description: 'The pool the instance runs in now' })
  is_current: boolean;
}

export class InstancePriceHistoryDto {
  @ApiProperty({ format: 'uuid' })
  instance_id: string;

  @ApiProperty({ type: String, nullable: true, example: 'm5.large.eu-west-1a' })
  current_pool_id: string | null;

  @ApiProperty({ example: 7 })
  days: number;

  @ApiProperty({ type: [CandidatePoolHistoryDto], description: 'Every pool the instance could move to' })
  pools: CandidatePoolHistoryDto[];
}

export class SwitchOptionDto {
  @ApiProperty({ enum: ['on-demand', 'spot'] })
  kind: string;

  @ApiProperty({ type: String, nullable: true, example: 'm5.large.eu-west-1b', description: 'null for on-demand' })
  pool_id: string | null;

  @ApiProperty({ example: 'm5.large' })
  instance_type: string;

  @ApiProperty({ type: String, nullable: true, example: 'eu-west-1b' })
  az: string | null;

  @ApiProperty({ type: Number, nullable: true, example: 0.0391, description: '$/h now; null when the pool has no price yet' })
  hourly_price: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 0.107, description: 'On-demand price of this option’s type' })
  on_demand_price: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 63.46, description: "Saving vs the instance's on-demand price, in %" })
  savings_percent: number | null;

  @ApiProperty({ type: String, nullable: true, enum: PRICE_SOURCES })
  price_source: string | null;

  @ApiProperty({ type: String, nullable: true, example: '2026-11-24T11:55:00.000Z' })
  price_at: string | null;

  @ApiProperty({ type: Number, nullable: true, example: 1 })
  confidence: number | null;

  @ApiProperty({ description: 'Same type as the instance' })
  same_type: boolean;

  @ApiProperty({ description: 'Cheapest option with a price' })
  is_cheapest: boolean;

  @ApiProperty({ description: 'Where the instance runs now' })
  is_current: boolean;
}

/** The switching panel: on-demand first, then every pool the instance could move to, cheapest first. */
export class InstancePricingDto {
  @ApiProperty({ format: 'uuid' })
  instance_id: string;

  @ApiProperty({ example: 'm5.large' })
  instance_type: string;

  @ApiProperty({ example: 'eu-west-1' })
  region: string;

  @ApiProperty({ example: 'eu-west-1a' })
  az: string;

  @ApiProperty({ enum: ['spot', 'on-demand', 'unknown'] })
  current_mode: string;

  @ApiProperty({ type: String, nullable: true })
  current_pool_id: string | null;

  @ApiProperty({ type: Number, nullable: true, example: 0.107 })
  on_demand_price: number | null;

  @ApiProperty({ type: [SwitchOptionDto] })
  options: SwitchOptionDto[];
}

export class DataQualityQueryDto extends PriceHistoryQueryDto {}

export class DataQualityDayDto {
  @ApiProperty({ example: '2026-11-24' })
  date: string;

  @ApiProperty({ example: 8640 })
  total_points: number;

  @ApiProperty({ example: 95 })
  interpolated_points: number;

  @ApiProperty({ example: 1.1, description: 'Share interpolated, % (seed 001 target: under 2 %)' })
  pct_interpolated: number;
}

export class DataQualityDto {
  @ApiProperty({ example: 7 })
  days: number;

  @ApiProperty({ type: [DataQualityDayDto], description: 'Newest day first' })
  items: DataQualityDayDto[];
}

export class HeldObservationDto {
  @ApiProperty({ example: 'm5.large.eu-west-1a' })
  pool_id: string;

  @ApiProperty({ example: '2026-11-24T11:55:00.000Z' })
  bucket_start: string;

  @ApiProperty({ example: 2.1, description: 'The value the client reported' })
  spot_price: number;

  @ApiProperty({ type: Number, nullable: true, example: 0.07, description: "What it was judged against: the other clients' median or the previous clean value" })
  reference_price: number | null;

  @ApiProperty({ enum: ['far_from_consensus', 'jump', 'conflicting_sources'] })
  reason: string;
}

export class HeldSourceDto {
  @ApiProperty({ format: 'uuid' })
  client_id: string;

  @ApiProperty({ type: String, nullable: true, example: 'Acme' })
  client_name: string | null;

  @ApiProperty({ example: 12, description: 'Values held in the window and still unconfirmed (one per pool and bucket)' })
  held_count: number;

  @ApiProperty({ example: 1, description: 'Held values a second client or the control plane later confirmed' })
  confirmed_count: number;

  @ApiProperty({ example: 3 })
  pools: number;

  @ApiProperty({ example: '2026-11-24T11:58:00.000Z' })
  last_held_at: string;

  @ApiProperty({ type: HeldObservationDto, nullable: true, description: 'The most recent unconfirmed one' })
  latest: HeldObservationDto | null;
}

export class AdminDataQualityDto extends DataQualityDto {
  @ApiProperty({
    type: [HeldSourceDto],
    description:
      "Clients whose spot prices the consensus held repeatedly in the last 24 h (far from the other clients, or a jump no second source confirmed): they never reach another client's prices or decisions",
  })
  held_sources: HeldSourceDto[];
}

export class GapFillRequestDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 720, default: 24, description: 'Look for gaps this many hours back' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(720)
  hours?: number;

  @ApiPropertyOptional({ type: [String], example: ['m5.large.eu-west-1a'], description: 'Only these pools (default: all)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(128, { each: true })
  pool_ids?: string[];
}

export class FilledGapDto {
  @ApiProperty({ example: 'm5.large.eu-west-1a' })
  pool_id: string;

  @ApiProperty({ enum: ['short', 'medium', 'long'] })
  gap_type: string;

  @ApiProperty({ enum: ['linear', 'weighted-average', 'cross-pool', 'linear-no-peers'] })
  method: string;

  @ApiProperty()
  gap_start: string;

  @ApiProperty()
  gap_end: string;

  @ApiProperty({ example: 4 })
  buckets: number;

  @ApiProperty({ example: 0.75 })
  confidence: number;

  @ApiProperty({ example: 0.0416 })
  price_before: number;

  @ApiProperty({ example: 0.042 })
  price_after: number;

  @ApiProperty({ type: [String], nullable: true })
  peer_pools: string[] | null;
}

export class SkippedGapDto {
  @ApiProperty()
  pool_id: string;

  @ApiProperty()
  gap_start: string;

  @ApiProperty()
  gap_end: string;

  @ApiProperty()
  buckets: number;

  @ApiProperty({ enum: ['blackout', 'too-long'], description: 'blackout: over 4 h, left empty; too-long: 2–4 h, beyond cross-pool inference' })
  reason: string;
}

export class GapFillResultDto {
  @ApiProperty()
  pools_scanned: number;

  @ApiProperty()
  points_filled: number;

  @ApiProperty({ type: [FilledGapDto] })
  filled: FilledGapDto[];

  @ApiProperty({ type: [SkippedGapDto] })
  skipped: SkippedGapDto[];
}
