import { EntityManager, EntityTarget, ObjectLiteral, QueryDeepPartialEntity } from 'typeorm';

/**
 * A plain INSERT of a fully built row (no SELECT first, unlike save()).
 * TypeORM's deep-partial type rejects JSON columns typed as records, hence the one cast here.
 */
export async function insertRow<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, row: Partial<T>): Promise<void> {
  await manager.insert(entity, row as QueryDeepPartialEntity<T>);
}
