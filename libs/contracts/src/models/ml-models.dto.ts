import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { PageMetaDto } from '../common/page.dto';

export const MODEL_SESSION_STATUSES = ['uploaded', 'validating', 'pending', 'rejected', 'activated', 'fallback', 'retired'] as const;

/** The multipart body of an upload (documentation only: the file is read by the upload interceptor). */
export class ModelUploadRequestDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'One ONNX model (.onnx, up to 50 MiB): input "features" float32 [N, 8], first output N probabilities' })
  file: unknown;
}

export class ModelValidationDto {
  @ApiProperty({ example: true })
  ok: boolean;

  @ApiProperty({ type: [String], example: [], description: 'Why the model was refused (empty when valid)' })
  problems: string[];

  @ApiProperty({ type: [Number], nullable: true, example: [0.12, 0.12, 0.08], description: "The model's answer to the contract test vector" })
  probabilities: number[] | null;

  @ApiProperty({ example: 310 })
  duration_ms: number;
}

export class ModelSessionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: MODEL_SESSION_STATUSES, example: 'pending' })
  status: string;

  @ApiProperty({ example: false })
  is_live: boolean;

  @ApiProperty({ example: false })
  is_fallback: boolean;

  @ApiProperty({ example: 'onnx-1f2e3d4c', nullable: true, description: 'Engine name its decisions are recorded under' })
  engine_name: string | null;

  @ApiProperty({ example: 'onnx', nullable: true })
  model_format: string | null;

  @ApiProperty({ type: [String], example: ['risk-v2.onnx'] })
  file_names: string[];

  @ApiProperty({ example: 'c0ffee…', nullable: true, description: 'SHA-256 of the model file' })
  checksum: string | null;

  @ApiPropertyOptional({ type: ModelValidationDto, nullable: true })
  validation: ModelValidationDto | null;

  @ApiProperty({ nullable: true, example: null })
  error_message: string | null;

  @ApiProperty({ nullable: true, example: 'admin@example.com' })
  uploaded_by: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ format: 'date-time', nullable: true })
  validated_at: string | null;

  @ApiProperty({ format: 'date-time', nullable: true })
  activated_at: string | null;
}

export class ModelSessionPageDto extends PageMetaDto {
  @ApiProperty({ type: [ModelSessionDto] })
  items: ModelSessionDto[];
}

export class ActivateModelRequestDto {
  @ApiProperty({ format: 'uuid', description: 'A pending (validated) or fallback session' })
  @IsUUID()
  session_id: string;
}

export class ModelRollbackDto {
  @ApiProperty({ type: ModelSessionDto, description: 'The session that was live and is now retired' })
  retired: ModelSessionDto;

  @ApiProperty({ type: ModelSessionDto, nullable: true, description: 'The fallback that is live again; null when the built-in engine answers' })
  live: ModelSessionDto | null;

  @ApiProperty({ example: 'onnx-1f2e3d4c', description: 'The engine answering decisions now' })
  active_engine: string;
}
