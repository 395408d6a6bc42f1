import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../common/page.dto';

export class ListNotificationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ default: false, description: 'Only unread notifications' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'unread_only must be true or false' })
  unread_only?: boolean;
}

export class NotificationDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  agent_id: string | null;

  @ApiProperty({ example: 'failover', description: 'agent-status | interruption | failover | replica …' })
  category: string;

  @ApiProperty({ enum: ['info', 'warning', 'error', 'critical'] })
  severity: string;

  @ApiProperty()
  title: string;

  @ApiProperty()
  message: string;

  @ApiProperty()
  is_read: boolean;

  @ApiProperty({ type: String, nullable: true })
  read_at: string | null;

  @ApiProperty()
  created_at: string;
}

export class NotificationPageDto extends PageMetaDto {
  @ApiProperty({ type: [NotificationDto] })
  items: NotificationDto[];

  @ApiProperty({ example: 3, description: 'Unread notifications of the tenant, over all pages' })
  unread_count: number;
}

export class MarkedReadDto {
  @ApiProperty({ example: 3, description: 'Notifications that changed to read' })
  marked: number;
}
