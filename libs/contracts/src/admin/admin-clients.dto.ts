import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageMetaDto } from '../common/page.dto';
import { ClientBaseDto } from '../common/client-base.dto';
import { PATTERNS } from '../common/validation-patterns';
import { IsDisplayName, NormalizeEmail, Trim } from '../common/validators';

export class CreateClientRequestDto {
  @ApiProperty({ example: 'Acme Ltd', maxLength: 255 })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @IsDisplayName()
  name: string;

  @ApiPropertyOptional({ example: 'billing@acme.example', maxLength: 255 })
  @IsOptional()
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(255)
  @IsDisplayName()
  email?: string;

  @ApiPropertyOptional({ example: 'free', default: 'free', maxLength: 50 })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  @Matches(PATTERNS.plan, { message: 'plan must be lower-case letters, digits, _ or -' })
  plan?: string;

  @ApiPropertyOptional({ example: 5, default: 5, minimum: 1, maximum: 100000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  max_agents?: number;

  @ApiPropertyOptional({ example: 10, default: 10, minimum: 1, maximum: 100000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  max_instances?: number;
}

export class AdminClientDto extends ClientBaseDto {
  @ApiProperty()
  max_agents: number;

  @ApiProperty()
  max_instances: number;

  @ApiProperty({ description: 'Agents registered so far' })
  agent_count: number;

  @ApiProperty({ example: 1234.5678, description: 'Dollars saved so far' })
  total_savings: number;
}

export class ClientCreatedDto extends AdminClientDto {
  @ApiProperty({ description: 'Token the client\'s agents register with. Shown only now: it is stored hashed.', example: 'spc_3q2…' })
  client_token: string;
}

export class AdminClientPageDto extends PageMetaDto {
  @ApiProperty({ type: [AdminClientDto] })
  items: AdminClientDto[];
}
