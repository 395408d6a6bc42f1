import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'instance_id', description: 'Path of the offending field in the request' })
  field: string;

  @ApiProperty({ type: [String], example: ['instance_id must match /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/'] })
  problems: string[];
}

export class ErrorDetailsDto {
  @ApiPropertyOptional({ example: 'AGENT_LIMIT_REACHED', description: 'Stable machine-readable code' })
  code?: string;

  @ApiPropertyOptional({ type: [FieldErrorDto] })
  fields?: FieldErrorDto[];
}

/** The one error body every endpoint answers with. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({ example: 'Validation failed: instance_id must match /^i-…$/' })
  message: string;

  @ApiPropertyOptional({ type: ErrorDetailsDto })
  details?: ErrorDetailsDto;

  @ApiProperty({ example: '0193a6f2-6c1e-7d3a-9c1f-5e2b7a9d4c10', description: 'Also sent as the X-Correlation-Id header; quote it when reporting a problem' })
  correlationId: string;
}

export class SuccessResponseDto {
  @ApiProperty({ example: true })
  success: boolean;
}
