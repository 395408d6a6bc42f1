import { DataSource, EntityManager } from 'typeorm';
import { Clock, CorrelationContext, IdGenerator } from '@spot/core';
import { insertRow } from './insert-row';
import { EventSeverity, SystemEventEntity } from './schema';

export interface SystemEventInput {
  eventType: string;
  component: string;
  message: string;
  severity?: EventSeverity;
  clientId?: string | null;
  agentId?: string | null;
  metadata?: Record<string, unknown>;
}

/** The only writer of `system_events`: every lib appends its audit entries through here. */
export class SystemEventLog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async record(input: SystemEventInput, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await insertRow(manager, SystemEventEntity, {
      id: this.ids.uuid(),
      eventType: input.eventType,
      component: input.component,
      message: input.message,
      severity: input.severity ?? 'info',
      clientId: input.clientId ?? null,
      agentId: input.agentId ?? null,
      metadata: input.metadata ?? null,
      correlationId: CorrelationContext.current() ?? null,
      createdAt: this.clock.now(),
    });
  }

  async recent(filter: { clientId?: string; eventType?: string; limit?: number } = {}): Promise<SystemEventEntity[]> {
    const query = this.dataSource.getRepository(SystemEventEntity).createQueryBuilder('e').orderBy('e.created_at', 'DESC').addOrderBy('e.id', 'DESC').limit(filter.limit ?? 50);
    if (filter.clientId) query.andWhere('e.client_id = :clientId', { clientId: filter.clientId });
    if (filter.eventType) query.andWhere('e.event_type = :eventType', { eventType: filter.eventType });
    return query.getMany();
  }
}
