import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsNumber, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { PATTERNS } from '../common/validation-patterns';

/**
 * One price an agent saw. Every field is optional at this level on purpose: a missing or
 * out-of-range value rejects that observation (with a reason in the answer), not the report.
 * A wrong JSON type makes the report malformed: 400, nothing stored.
 */
export class PriceObservationDto {
  @ApiPropertyOptional({ example: 'm5.large', maxLength: 32, description: 'Required; an EC2 instance type' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  instance_type?: string;

  @ApiPropertyOptional({ example: 'eu-west-1a', maxLength: 32, description: "Required; an AZ of the agent's region" })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  az?: string;

  @ApiPropertyOptional({ example: 0.0456, description: 'Required; $/h, above 0 and at most 10x the on-demand price' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  spot_price?: number;

  @ApiPropertyOptional({ example: 0.107, nullable: true, description: "Used when the catalog has no on-demand price for the type" })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  on_demand_price?: number | null;

  @ApiPropertyOptional({ example: '2026-11-24T11:56:00.000Z', description: 'Required; ISO 8601, at most 5 minutes ahead, within the last 7 days' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  observed_at?: string;
}

/** A batch of observations from a primary or a replica agent (agent token). */
export class PricingReportRequestDto {
  @ApiPropertyOptional({
    example: 'i-0a1b2c3d4e5f60718',
    description: "The reporting instance. Another instance than the agent's current one (a replica) reports as `replica`",
  })
  @IsOptional()
  @IsString()
  @Matches(PATTERNS.instanceId, { message: 'instance_id must be an EC2 instance id (i- followed by 8 or 17 hex digits)' })
  instance_id?: string;

  @ApiProperty({ type: [PriceObservationDto], minItems: 1, maxItems: 1000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => PriceObservationDto)
  observations: PriceObservationDto[];
}

export class RejectedObservationDto {
  @ApiProperty({ example: 3, description: 'Position in `observations`' })
  index: number;

  @ApiProperty({
    example: 'PRICE_ABOVE_LIMIT',
    enum: ['MISSING_FIELD', 'INVALID_PRICE', 'PRICE_ABOVE_LIMIT', 'INVALID_TIMESTAMP', 'TIMESTAMP_IN_FUTURE', 'TIMESTAMP_TOO_OLD', 'UNKNOWN_INSTANCE_TYPE', 'AZ_NOT_IN_REGION'],
  })
  code: string;

  @ApiProperty({ example: 'spot_price' })
  field: string;

  @ApiProperty({ example: 'spot_price 1.5 is more than 10x the on-demand price 0.107' })
  reason: string;
}

export class PricingReportResponseDto {
  @ApiProperty({ format: 'uuid' })
  batch_id: string;

  @ApiProperty({ enum: ['primary', 'replica'] })
  reporter_role: string;

  @ApiProperty({ example: 19, description: 'Valid observations (new or already received)' })
  accepted: number;

  @ApiProperty({ example: 19, description: 'Accepted and new: written to the raw audit trail' })
  stored: number;

  @ApiProperty({ example: 0, description: 'Accepted but received before (a retried report): changes nothing' })
  duplicates: number;

  @ApiProperty({ example: 1 })
  rejected_count: number;

  @ApiProperty({ type: [RejectedObservationDto] })
  rejected: RejectedObservationDto[];

  @ApiProperty({ example: 12, description: 'Clean 5-minute points created or changed' })
  buckets_written: number;

  @ApiProperty({
    example: 0,
    description: "Of the stored, how many were held as suspects: far from the other clients' consensus, or a jump from the previous clean value that no second source confirms yet",
  })
  held: number;
}
