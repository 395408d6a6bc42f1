import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { IsDisplayName, IsPassword, NormalizeEmail, Trim } from '../common/validators';

export class SignupRequestDto {
  @ApiProperty({ example: 'Acme Ltd', maxLength: 255, description: 'Name of the organisation (client) to create' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @IsDisplayName()
  org_name: string;

  @ApiProperty({ example: 'ops@acme.example', maxLength: 255 })
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(255)
  @IsDisplayName()
  email: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 8, description: '8 to 72 bytes' })
  @IsPassword()
  password: string;
}

export class LoginRequestDto {
  @ApiProperty({ example: 'ops@acme.example' })
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(255)
  @IsDisplayName()
  email: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  password: string;
}

export class TokenResponseDto {
  @ApiProperty({ description: 'JWT to send as `Authorization: Bearer <token>`' })
  access_token: string;

  @ApiProperty({ example: 'Bearer' })
  token_type: string;

  @ApiProperty({ example: 86400, description: 'Seconds until the token expires' })
  expires_in: number;

  @ApiProperty({ example: '2026-11-25T20:00:00.000Z' })
  expires_at: string;

  @ApiProperty({ enum: ['client_user', 'super_admin'] })
  role: string;
}

export class SignupResponseDto extends TokenResponseDto {
  @ApiProperty({ format: 'uuid' })
  user_id: string;

  @ApiProperty({ format: 'uuid' })
  client_id: string;

  @ApiProperty({ description: 'Token your agents register with. Shown only now: store it safely.', example: 'spc_3q2…' })
  client_token: string;
}

export class MeResponseDto {
  @ApiProperty({ format: 'uuid' })
  user_id: string;

  @ApiProperty({ example: 'ops@acme.example' })
  email: string;

  @ApiProperty({ enum: ['client_user', 'super_admin'] })
  role: string;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'Null for super-admins' })
  client_id: string | null;

  @ApiProperty({ type: String, nullable: true })
  client_name: string | null;

  @ApiProperty({ example: '/dashboard', description: 'Where the portal should send this user' })
  home_path: string;

  @ApiProperty({ example: '2026-11-25T20:00:00.000Z', description: 'When the token used for this call expires' })
  token_expires_at: string;
}
