import { ApiProperty } from '@nestjs/swagger';

/** What every view of a client shows. */
export class ClientBaseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ type: String, nullable: true })
  email: string | null;

  @ApiProperty({ example: 'free' })
  plan: string;

  @ApiProperty()
  is_active: boolean;

  @ApiProperty({ example: 'spc_…x7Qa', description: 'End of the client token, to tell tokens apart' })
  client_token_hint: string;

  @ApiProperty({ example: '2026-11-24T20:00:00.000Z' })
  created_at: string;
}
