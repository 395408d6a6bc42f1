import { DataSource, EntityManager, FindOptionsWhere, IsNull, LessThan, Not } from 'typeorm';
import { Page, PageRequest } from '@spot/core';
import { AgentEntity, AgentStatus, insertRow, writeLock } from '@spot/persistence';

export class AgentRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(AgentEntity);
  }

  findById(id: string, manager?: EntityManager): Promise<AgentEntity | null> {
    return this.repo(manager).findOneBy({ id });
  }

  /** The agent with its client in one query (the agent-token check on every agent route). */
  findByIdWithClient(id: string): Promise<AgentEntity | null> {
    // A query builder, not findOne with relations: that one runs a second "DISTINCT ids" query first.
    return this.repo().createQueryBuilder('a').leftJoinAndSelect('a.client', 'c').where('a.id = :id', { id }).getOne();
  }

  listOnlineEnabled(): Promise<AgentEntity[]> {
    return this.repo().find({ where: { status: 'online', enabled: true }, order: { id: 'ASC' } });
  }

  findByIdForUpdate(id: string, manager: EntityManager): Promise<AgentEntity | null> {
    return this.repo(manager).findOne({ where: { id }, lock: writeLock(manager) });
  }

  /** Online agents whose last heartbeat (or registration, if none) is older than `cutoff`. */
  async findOnlineSilentSince(cutoff: Date): Promise<AgentEntity[]> {
    return this.repo().find({ where: [{ status: 'online', lastHeartbeatAt: LessThan(cutoff) }, { status: 'online', lastHeartbeatAt: IsNull(), updatedAt: LessThan(cutoff) }] });
  }

  async markOfflineIfSilent(id: string, cutoff: Date, now: Date): Promise<boolean> {
    const result = await this.repo()
      .createQueryBuilder()
      .update()
      .set({ status: 'offline', updatedAt: now })
      .where('id = :id AND status = :online AND (last_heartbeat_at IS NULL OR last_heartbeat_at < :cutoff)', { id, online: 'online', cutoff })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  findManualReplicaMode(): Promise<AgentEntity[]> {
    return this.repo().find({ where: { manualReplicaEnabled: true, enabled: true }, order: { id: 'ASC' } });
  }

  async updateFields(id: string, fields: Partial<AgentEntity>, manager?: EntityManager): Promise<void> {
    await this.repo(manager).update({ id }, fields);
  }

  findByLogicalId(clientId: string, logicalAgentId: string, manager?: EntityManager): Promise<AgentEntity | null> {
    return this.repo(manager).findOneBy({ clientId, logicalAgentId });
  }

  /** Agents other than `exceptAgentId` whose current instance this is. */
  findOthersOnInstance(clientId: string, instanceId: string, exceptAgentId: string, manager?: EntityManager): Promise<AgentEntity[]> {
    return this.repo(manager).findBy({ clientId, instanceId, id: Not(exceptAgentId) });
  }

  countForClient(clientId: string, manager?: EntityManager): Promise<number> {
    return this.repo(manager).countBy({ clientId });
  }

  async countsForClient(clientId: string): Promise<{ total: number; online: number }> {
    const [total, online] = await Promise.all([this.repo().countBy({ clientId }), this.repo().countBy({ clientId, status: 'online' })]);
    return { total, online };
  }

  async insert(agent: AgentEntity, manager?: EntityManager): Promise<void> {
    await insertRow(manager ?? this.dataSource.manager, AgentEntity, agent);
  }

  async save(agent: AgentEntity, manager?: EntityManager): Promise<void> {
    const { id, ...fields } = agent;
    await this.repo(manager).update({ id }, fields);
  }

  async recordHeartbeat(id: string, at: Date, agentVersion?: string): Promise<void> {
    await this.repo().update({ id }, { lastHeartbeatAt: at, status: 'online', ...(agentVersion ? { agentVersion } : {}), updatedAt: at });
  }

  async pageForClient(clientId: string, status: AgentStatus | undefined, page: PageRequest): Promise<Page<AgentEntity>> {
    const where: FindOptionsWhere<AgentEntity> = status ? { clientId, status } : { clientId };
    const [items, total] = await this.repo().findAndCount({ where, order: { createdAt: 'ASC', id: 'ASC' }, skip: page.offset, take: page.limit });
    return { items, total, limit: page.limit, offset: page.offset };
  }
}
