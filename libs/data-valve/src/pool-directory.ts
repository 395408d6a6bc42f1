import { DataSource, EntityManager, In } from 'typeorm';
import { Clock } from '@spot/core';
import { SpotPoolEntity } from '@spot/persistence';

export interface SpotPool {
  id: string;
  instanceType: string;
  region: string;
  az: string;
}

/** `<instance type>.<az>`, the id every lib uses for a spot pool. */
export function spotPoolId(instanceType: string, az: string): string {
  return `${instanceType}.${az}`;
}

const toPool = (row: SpotPoolEntity): SpotPool => ({ id: row.id, instanceType: row.instanceType, region: row.region, az: row.az });

/** The spot_pools table (owner: data-valve): pools are created on first sight of a price. */
export class PoolDirectory {
  private readonly known = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Creates the pool when missing; safe to call concurrently. */
  async ensure(instanceType: string, region: string, az: string, manager: EntityManager = this.dataSource.manager): Promise<SpotPool> {
    const id = spotPoolId(instanceType, az);
    const pool = { id, instanceType, region, az };
    if (this.known.has(id)) return pool;
    // INSERT IGNORE / INSERT OR IGNORE: a pool seen by two reports at once is created once.
    await manager
      .createQueryBuilder()
      .insert()
      .into(SpotPoolEntity)
      .values({ ...pool, poolName: `${instanceType} in ${az}`, createdAt: this.clock.now() })
      .orIgnore()
      .updateEntity(false)
      .execute();
    this.known.add(id);
    return pool;
  }

  async byIds(ids: string[]): Promise<SpotPool[]> {
    if (ids.length === 0) return [];
    return (await this.dataSource.getRepository(SpotPoolEntity).findBy({ id: In(ids) })).map(toPool);
  }

  /** Known pools of these instance types in a region. */
  async forTypes(region: string, instanceTypes: string[]): Promise<SpotPool[]> {
    if (instanceTypes.length === 0) return [];
    const rows = await this.dataSource.getRepository(SpotPoolEntity).find({ where: { region, instanceType: In(instanceTypes) }, order: { id: 'ASC' } });
    return rows.map(toPool);
  }
}
