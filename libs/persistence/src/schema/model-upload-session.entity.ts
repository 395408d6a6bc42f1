import { Entity, Index } from 'typeorm';
import { BoolColumn, IntColumn, JsonColumn, TextColumn, TimestampColumn, UuidPrimaryColumn, VarcharColumn } from './columns';

export type ModelSessionStatus = 'uploaded' | 'validating' | 'pending' | 'rejected' | 'activated' | 'fallback' | 'retired';

/** An uploaded ML model and its way through validation to live (seed 004 Scenario 6). Owner: decision-engine. */
@Entity('model_upload_sessions')
@Index('idx_model_sessions_live', ['isLive'])
@Index('idx_model_sessions_created', ['createdAt'])
export class ModelUploadSessionEntity {
  @UuidPrimaryColumn()
  id: string;

  @VarcharColumn(20)
  sessionType: string;

  @VarcharColumn(20)
  status: ModelSessionStatus;

  @BoolColumn({ default: false })
  isLive: boolean;

  @BoolColumn({ default: false })
  isFallback: boolean;

  @VarcharColumn(64, { nullable: true })
  engineName: string | null;

  @VarcharColumn(16, { nullable: true })
  modelFormat: string | null;

  @IntColumn({ default: 0 })
  fileCount: number;

  @JsonColumn({ nullable: true })
  fileNames: string[] | null;

  @VarcharColumn(512, { nullable: true })
  storagePath: string | null;

  @VarcharColumn(64, { nullable: true })
  checksum: string | null;

  @JsonColumn({ nullable: true })
  validationResult: Record<string, unknown> | null;

  @TextColumn({ nullable: true })
  errorMessage: string | null;

  @VarcharColumn(255, { nullable: true })
  uploadedBy: string | null;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn({ nullable: true })
  validatedAt: Date | null;

  @TimestampColumn({ nullable: true })
  activatedAt: Date | null;

  @TimestampColumn()
  updatedAt: Date;
}
