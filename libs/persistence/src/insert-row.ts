import { EntityManager, EntityTarget, ObjectLiteral, QueryDeepPartialEntity } from 'typeorm';

/**
 * A plain INSERT of a fully built row. Unlike save() it runs no SELECT first, and unlike
 * repository.insert() it does not re-read defaulted columns into the object (on MySQL those come
 * back raw, e.g. booleans as 1/0). TypeORM's deep-partial type rejects JSON columns typed as
 * records, hence the one cast here.
 */
export async function insertRow<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, row: T | T[]): Promise<void> {
  await manager
    .createQueryBuilder()
    .insert()
    .into(entity)
    .values(row as QueryDeepPartialEntity<T> | QueryDeepPartialEntity<T>[])
    .updateEntity(false)
    .execute();
}
