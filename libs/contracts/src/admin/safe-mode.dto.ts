import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

export class SetSafeModeRequestDto {
  @ApiProperty({ description: 'true: every agent works in DryRun and the control plane issues no automatic command' })
  @IsBoolean()
  on: boolean;

  @ApiPropertyOptional({ maxLength: 500, description: 'Why (kept in the system event log)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class SafeModeDto {
  @ApiProperty()
  on: boolean;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The super-admin who set it last' })
  changed_by: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  changed_at: string | null;

  @ApiProperty({ type: String, nullable: true })
  reason: string | null;
}
