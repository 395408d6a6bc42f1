import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class DatabaseHealthDto {
  @ApiProperty({ enum: ['ok', 'error'] })
  status: string;

  @ApiProperty({ enum: ['sqlite', 'mysql'] })
  dialect: string;

  @ApiProperty({ example: 2 })
  latency_ms: number;

  @ApiProperty({ type: Boolean, nullable: true })
  pending_migrations: boolean | null;

  @ApiPropertyOptional()
  error?: string;
}

export class PricingRegionDto {
  @ApiProperty({ example: 'us-east-1' })
  region: string;

  @ApiProperty({ example: 812, description: 'Instance types with an on-demand price' })
  types: number;

  @ApiProperty({ enum: ['aws-price-list', 'shipped-file'] })
  source: string;

  @ApiProperty({ type: String, nullable: true, description: 'When the Price List API answered (null for the shipped file)' })
  fetched_at: string | null;
}

export class OnDemandPricingHealthDto {
  @ApiProperty({ enum: ['aws-price-list', 'shipped-file', 'mixed'], description: 'shipped-file: no or refused AWS credentials, only the shipped eu-west-1 file prices decisions' })
  source: string;

  @ApiProperty({ type: String, nullable: true, description: 'Last daily refresh from the Price List API' })
  last_refresh_at: string | null;

  @ApiProperty({ type: String, nullable: true })
  last_refresh_message: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why the shipped file is in use' })
  fallback_reason: string | null;

  @ApiProperty({ description: 'Price list entries the last refresh skipped as malformed' })
  skipped_entries: number;

  @ApiProperty({ type: [PricingRegionDto] })
  regions: PricingRegionDto[];
}

export class SpotAdvisorHealthDto {
  @ApiProperty({ enum: ['spot-advisor-url', 'shipped-file'] })
  source: string;

  @ApiProperty({ type: String, nullable: true })
  last_refresh_at: string | null;

  @ApiProperty({ description: 'Refreshes skipped (wrong shape, unreachable URL) since the last good one' })
  skipped_since_refresh: number;

  @ApiProperty({ type: String, nullable: true })
  last_skip_reason: string | null;
}

export class PricingHealthDto {
  @ApiProperty({ type: OnDemandPricingHealthDto })
  on_demand: OnDemandPricingHealthDto;

  @ApiProperty({ type: SpotAdvisorHealthDto })
  spot_advisor: SpotAdvisorHealthDto;
}

export class RedisHealthDto {
  @ApiProperty({ enum: ['ok', 'degraded'], description: 'degraded: Redis is unreachable and the API serves on the database and its own memory (HTTP stays 200)' })
  status: string;

  @ApiPropertyOptional()
  error?: string;
}

export class HealthComponentsDto {
  @ApiProperty({ type: DatabaseHealthDto })
  database: DatabaseHealthDto;

  @ApiPropertyOptional({ type: RedisHealthDto, description: 'Present when REDIS_URL is set' })
  redis?: RedisHealthDto;
}

export class HealthResponseDto {
  @ApiProperty({ enum: ['ok', 'degraded'], description: 'degraded (HTTP 503) when a component is down' })
  status: string;

  @ApiProperty({ example: '0.1.0' })
  version: string;

  @ApiProperty({ example: 3600 })
  uptime_seconds: number;

  @ApiProperty({ example: '2026-11-24T20:00:00.000Z' })
  time: string;

  @ApiProperty({ type: HealthComponentsDto })
  components: HealthComponentsDto;

  @ApiPropertyOptional({ type: PricingHealthDto, description: 'Where on-demand prices and Spot Advisor data come from (absent while the database is down)' })
  pricing?: PricingHealthDto;
}
