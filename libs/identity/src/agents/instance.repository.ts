import { DataSource, EntityManager, FindOptionsWhere, IsNull, LessThanOrEqual } from 'typeorm';
import { Page, PageRequest } from '@spot/core';
import { InstanceEntity, insertRow } from '@spot/persistence';

export type InstanceFilter = 'active' | 'terminated' | 'all';

export class InstanceRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(InstanceEntity);
  }

  findById(id: string): Promise<InstanceEntity | null> {
    return this.repo().findOneBy({ id });
  }

  findByIdIn(id: string, manager: EntityManager): Promise<InstanceEntity | null> {
    return this.repo(manager).findOneBy({ id });
  }

  findByInstanceId(clientId: string, instanceId: string, manager?: EntityManager): Promise<InstanceEntity | null> {
    return this.repo(manager).findOneBy({ clientId, instanceId });
  }

  allForClient(clientId: string, manager?: EntityManager): Promise<InstanceEntity[]> {
    return this.repo(manager).find({ where: { clientId }, order: { installedAt: 'ASC', id: 'ASC' } });
  }

  /** Replaced instances whose terminate wait ended by `cutoff` and that are not known to be terminated. */
  findPendingTerminationDue(cutoff: Date, limit: number): Promise<InstanceEntity[]> {
    return this.repo().find({
      where: { isActive: false, terminatedAt: IsNull(), terminateAfter: LessThanOrEqual(cutoff) },
      order: { terminateAfter: 'ASC', id: 'ASC' },
      take: limit,
    });
  }

  countActive(clientId: string, manager?: EntityManager): Promise<number> {
    return this.repo(manager).countBy({ clientId, isActive: true });
  }

  async countsForClient(clientId: string): Promise<{ active: number; inactive: number }> {
    const [active, inactive] = await Promise.all([
      this.repo().countBy({ clientId, isActive: true }),
      this.repo().countBy({ clientId, isActive: false }),
    ]);
    return { active, inactive };
  }

  async insert(instance: InstanceEntity, manager?: EntityManager): Promise<void> {
    await insertRow(manager ?? this.dataSource.manager, InstanceEntity, instance);
  }

  async save(instance: InstanceEntity, manager?: EntityManager): Promise<void> {
    const { id, ...fields } = instance;
    await this.repo(manager).update({ id }, fields);
  }

  async pageForClient(clientId: string, filter: InstanceFilter, page: PageRequest): Promise<Page<InstanceEntity>> {
    const where: FindOptionsWhere<InstanceEntity> = filter === 'all' ? { clientId } : { clientId, isActive: filter === 'active' };
    const [items, total] = await this.repo().findAndCount({
      where,
      order: { installedAt: 'DESC', id: 'DESC' },
      skip: page.offset,
      take: page.limit,
    });
    return { items, total, limit: page.limit, offset: page.offset };
  }
}
