/** Helpers for statements over a set of (pool, bucket) pairs. */

export function keyOf(poolId: string, bucketStart: Date): string {
  return `${poolId}@${bucketStart.getTime()}`;
}

export function byPoolAndBucket<T extends { poolId: string; bucketStart: Date }>(rows: T[]): Map<string, T> {
  return new Map(rows.map((r) => [keyOf(r.poolId, r.bucketStart), r]));
}

/**
 * `(pool_id = :p0 AND bucket_start IN (:b0_0, :b0_1)) OR …`: exactly the given pairs, one group per
 * pool, portable to both dialects (no row-value IN on every MariaDB/SQLite build).
 */
export function poolBucketFilter(keys: Array<{ poolId: string; bucketStart: Date }>, alias = ''): { sql: string; params: Record<string, unknown> } {
  const byPool = new Map<string, Date[]>();
  for (const k of keys) {
    const buckets = byPool.get(k.poolId) ?? [];
    buckets.push(k.bucketStart);
    byPool.set(k.poolId, buckets);
  }
  const prefix = alias ? `${alias}.` : '';
  const params: Record<string, unknown> = {};
  const groups = [...byPool.entries()].map(([poolId, buckets], i) => {
    params[`p${i}`] = poolId;
    // One scalar parameter per time: the SQLite driver converts Date parameters, not Dates inside lists.
    const names = buckets.map((b, j) => {
      params[`b${i}_${j}`] = b;
      return `:b${i}_${j}`;
    });
    return `(${prefix}pool_id = :p${i} AND ${prefix}bucket_start IN (${names.join(', ')}))`;
  });
  return { sql: groups.join(' OR '), params };
}
