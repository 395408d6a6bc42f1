import { ApiProperty } from '@nestjs/swagger';

export class ClientTokenRotatedDto {
  @ApiProperty({ description: 'The new client token. Shown only now; the old one stops working at once.', example: 'spc_3q2…' })
  client_token: string;

  @ApiProperty({ example: 'spc_…x7Qa' })
  client_token_hint: string;
}
