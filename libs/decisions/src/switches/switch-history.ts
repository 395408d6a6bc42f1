import { DataSource } from 'typeorm';
import { Page, PageRequest } from '@spot/core';
import { SwitchEntity } from '@spot/persistence';
import { SwitchRecord } from './switch-recorder';

/** Read side of `switches`: a client's switch history, newest first. */
export class SwitchHistory {
  constructor(private readonly dataSource: DataSource) {}

  async pageForClient(clientId: string, page: PageRequest, filter: { agentId?: string } = {}): Promise<Page<SwitchRecord>> {
    const [rows, total] = await this.dataSource.getRepository(SwitchEntity).findAndCount({
      where: { clientId, ...(filter.agentId ? { agentId: filter.agentId } : {}) },
      order: { initiatedAt: 'DESC', id: 'DESC' },
      skip: page.offset,
      take: page.limit,
    });
    return { items: rows.map(({ agent: _agent, ...row }) => row), total, limit: page.limit, offset: page.offset };
  }
}
