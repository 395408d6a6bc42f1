import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ListNotificationsQueryDto, MarkedReadDto, NotificationDto, NotificationPageDto } from '@spot/contracts';
import { DomainError, pageRequest } from '@spot/core';
import { Principal } from '@spot/identity';
import { NotificationService } from '@spot/notifications';
import { ClientPrincipalGuard } from '../auth/guards';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { toNotification } from '../presenters/sentinel.presenters';
import { ApiStandardErrors, SECURITY } from './api-docs';

/** The caller's tenant: their client, or the platform (null) for super-admins. */
function tenantOf(principal: Principal): string | null {
  if (principal.kind === 'agent') throw DomainError.unauthenticated('INVALID_TOKEN', 'Missing or invalid credentials');
  return principal.clientId;
}

/** Seed-002 notification routes, scoped to the caller's tenant. */
@ApiTags('notifications')
@ApiBearerAuth(SECURITY.user)
@ApiBearerAuth(SECURITY.client)
@UseGuards(ClientPrincipalGuard)
@Controller('api/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationService) {}

  /** Newest first, with the unread count. */
  @Get()
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiStandardErrors()
  async listNotifications(@Query() query: ListNotificationsQueryDto, @CurrentPrincipal() principal: Principal): Promise<NotificationPageDto> {
    const page = await this.notifications.list(tenantOf(principal), { unreadOnly: query.unread_only }, pageRequest(query.limit, query.offset));
    return { items: page.items.map(toNotification), total: page.total, limit: page.limit, offset: page.offset, unread_count: page.unreadCount };
  }

  /** Marks every unread notification read. */
  @Post('read-all')
  @HttpCode(200)
  @ApiOkResponse({ type: MarkedReadDto })
  @ApiStandardErrors()
  async markAllNotificationsRead(@CurrentPrincipal() principal: Principal): Promise<MarkedReadDto> {
    return { marked: await this.notifications.markAllRead(tenantOf(principal)) };
  }

  /** Marks one notification read (idempotent). */
  @Post(':id/read')
  @HttpCode(200)
  @ApiOkResponse({ type: NotificationDto })
  @ApiStandardErrors('not_found')
  async markNotificationRead(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<NotificationDto> {
    return toNotification(await this.notifications.markRead(tenantOf(principal), id));
  }
}
