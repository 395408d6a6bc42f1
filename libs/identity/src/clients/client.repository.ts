import { DataSource, EntityManager } from 'typeorm';
import { Page, PageRequest } from '@spot/core';
import { AgentEntity, ClientEntity, insertRow, writeLock } from '@spot/persistence';

export interface ClientWithAgentCount {
  client: ClientEntity;
  agentCount: number;
}

export class ClientRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(ClientEntity);
  }

  async insert(client: ClientEntity, manager?: EntityManager): Promise<void> {
    await insertRow(manager ?? this.dataSource.manager, ClientEntity, client);
  }

  findById(id: string, manager?: EntityManager): Promise<ClientEntity | null> {
    return this.repo(manager).findOneBy({ id });
  }

  /** Reads the client and holds it until the transaction ends: serialises work against its limits. */
  findByIdForUpdate(id: string, manager: EntityManager): Promise<ClientEntity | null> {
    return this.repo(manager).findOne({ where: { id }, lock: writeLock(manager) });
  }

  findByTokenHash(hash: string): Promise<ClientEntity | null> {
    return this.repo().findOneBy({ clientTokenHash: hash });
  }

  existsByEmail(email: string, manager?: EntityManager): Promise<boolean> {
    return this.repo(manager).exists({ where: { email } });
  }

  async updateTotalSavings(id: string, totalSavings: number, at: Date, manager?: EntityManager): Promise<void> {
    await this.repo(manager).update({ id }, { totalSavings, updatedAt: at });
  }

  async activeIds(): Promise<string[]> {
    const rows = await this.repo().find({ select: { id: true }, where: { isActive: true }, order: { id: 'ASC' } });
    return rows.map((r) => r.id);
  }

  async replaceToken(id: string, hash: string, hint: string, now: Date): Promise<void> {
    await this.repo().update({ id }, { clientTokenHash: hash, clientTokenHint: hint, updatedAt: now });
  }

  async pageWithAgentCounts(page: PageRequest): Promise<Page<ClientWithAgentCount>> {
    const [clients, total] = await this.repo().findAndCount({ order: { createdAt: 'DESC', id: 'DESC' }, skip: page.offset, take: page.limit });
    const counts = new Map<string, number>();
    if (clients.length) {
      const rows: Array<{ clientId: string; n: string | number }> = await this.dataSource
        .getRepository(AgentEntity)
        .createQueryBuilder('a')
        .select('a.client_id', 'clientId')
        .addSelect('COUNT(*)', 'n')
        .where('a.client_id IN (:...ids)', { ids: clients.map((c) => c.id) })
        .groupBy('a.client_id')
        .getRawMany();
      for (const row of rows) counts.set(row.clientId, Number(row.n));
    }
    return { items: clients.map((client) => ({ client, agentCount: counts.get(client.id) ?? 0 })), total, limit: page.limit, offset: page.offset };
  }
}
