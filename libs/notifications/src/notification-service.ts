import { DataSource, EntityManager, IsNull } from 'typeorm';
import { Clock, DomainError, IdGenerator, Page, PageRequest } from '@spot/core';
import { insertRow, NotificationEntity } from '@spot/persistence';

export type NotificationSeverity = 'info' | 'warning' | 'error' | 'critical';

export interface NewNotification {
  /** null: for the platform's super-admins. */
  clientId: string | null;
  agentId?: string | null;
  /** e.g. agent-status, interruption, failover, replica */
  category: string;
  title: string;
  message: string;
  severity?: NotificationSeverity;
  metadata?: Record<string, unknown>;
}

export interface NotificationPage extends Page<NotificationEntity> {
  unreadCount: number;
}

/**
 * User-facing notifications of one tenant (seed 002 notification service). A tenant is a client
 * id, or null for the platform admins; nobody reads or marks another tenant's notifications.
 * Owns the notifications table.
 */
export class NotificationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  private repo(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(NotificationEntity);
  }

  async notify(input: NewNotification, manager: EntityManager = this.dataSource.manager): Promise<NotificationEntity> {
    const row: NotificationEntity = {
      id: this.ids.uuid(),
      clientId: input.clientId,
      agentId: input.agentId ?? null,
      category: input.category,
      title: input.title.slice(0, 255),
      message: input.message,
      severity: input.severity ?? 'info',
      isRead: false,
      readAt: null,
      metadata: input.metadata ?? null,
      createdAt: this.clock.now(),
    };
    await insertRow(manager, NotificationEntity, row);
    return row;
  }

  async list(tenant: string | null, filter: { unreadOnly?: boolean }, page: PageRequest): Promise<NotificationPage> {
    const owner = { clientId: tenant ?? IsNull() };
    const where = filter.unreadOnly ? { ...owner, isRead: false } : owner;
    const [items, total] = await this.repo().findAndCount({ where, order: { createdAt: 'DESC', id: 'DESC' }, skip: page.offset, take: page.limit });
    const unreadCount = await this.repo().countBy({ ...owner, isRead: false });
    return { items, total, limit: page.limit, offset: page.offset, unreadCount };
  }

  /** Marks one notification read; another tenant's is answered as not found. Idempotent. */
  async markRead(tenant: string | null, id: string): Promise<NotificationEntity> {
    const found = await this.repo().findOneBy({ id, clientId: tenant ?? IsNull() });
    if (!found) throw DomainError.notFound('notification', id);
    if (!found.isRead) {
      const now = this.clock.now();
      await this.repo().update({ id }, { isRead: true, readAt: now });
      Object.assign(found, { isRead: true, readAt: now });
    }
    return found;
  }

  /** Marks every unread notification of the tenant read; answers how many changed. */
  async markAllRead(tenant: string | null): Promise<number> {
    const result = await this.repo().update({ clientId: tenant ?? IsNull(), isRead: false }, { isRead: true, readAt: this.clock.now() });
    return result.affected ?? 0;
  }
}
