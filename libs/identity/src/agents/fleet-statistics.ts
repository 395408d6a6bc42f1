import { DataSource, LessThan } from 'typeorm';
import { AgentEntity, ClientEntity, InstanceEntity } from '@spot/persistence';

export interface GrowthFigures {
  totalClients: number;
  activeClients: number;
  newClients: number;
  totalAgents: number;
  activeInstances: number;
}

/** Counts over the identity tables for the platform views (system health, daily growth snapshot). */
export class FleetStatistics {
  constructor(private readonly dataSource: DataSource) {}

  async agentsByStatus(): Promise<{ online: number; offline: number; total: number }> {
    const repo = this.dataSource.getRepository(AgentEntity);
    const [online, total] = await Promise.all([repo.countBy({ status: 'online' }), repo.count()]);
    return { online, offline: total - online, total };
  }

  /** The earliest client creation, where a growth backfill starts. */
  async firstClientCreatedAt(): Promise<Date | null> {
    const first = await this.dataSource.getRepository(ClientEntity).find({ select: { createdAt: true }, order: { createdAt: 'ASC' }, take: 1 });
    return first[0]?.createdAt ?? null;
  }

  /**
   * Figures as of the end of a day [dayStart, dayEnd). Counts rest on creation times, so a past
   * day can be backfilled; "active" uses the current flag for days before today (the tables
   * keep no history of it).
   */
  async growthFigures(dayStart: Date, dayEnd: Date): Promise<GrowthFigures> {
    const clients = this.dataSource.getRepository(ClientEntity);
    const before = LessThan(dayEnd);
    const [totalClients, activeClients, newClients, totalAgents, activeInstances] = await Promise.all([
      clients.countBy({ createdAt: before }),
      clients.countBy({ createdAt: before, isActive: true }),
      clients.createQueryBuilder('c').where('c.created_at >= :dayStart AND c.created_at < :dayEnd', { dayStart, dayEnd }).getCount(),
      this.dataSource.getRepository(AgentEntity).countBy({ createdAt: before }),
      this.dataSource.getRepository(InstanceEntity).countBy({ installedAt: before, isActive: true }),
    ]);
    return { totalClients, activeClients, newClients, totalAgents, activeInstances };
  }
}
