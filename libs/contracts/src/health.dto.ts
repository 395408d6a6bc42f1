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

export class HealthComponentsDto {
  @ApiProperty({ type: DatabaseHealthDto })
  database: DatabaseHealthDto;
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
}
