import { DataSource } from 'typeorm';
import { insertRow, PricingSnapshotCleanEntity, SpotPoolEntity } from '@spot/persistence';

/**
 * Clean spot prices for tests that need a market (pool selection, risk scores): one 5-minute
 * point per pool at `at`, pools created as the data-valve would create them.
 */
export async function putSpotPrices(dataSource: DataSource, at: Date, region: string, prices: Record<string, number>): Promise<void> {
  const bucketStart = new Date(Math.floor(at.getTime() / 300_000) * 300_000);
  for (const [poolId, spotPrice] of Object.entries(prices)) {
    const cut = poolId.lastIndexOf('.');
    const instanceType = poolId.slice(0, cut);
    const az = poolId.slice(cut + 1);
    await dataSource
      .createQueryBuilder()
      .insert()
      .into(SpotPoolEntity)
      .values({ id: poolId, instanceType, region, az, poolName: `${instanceType} in ${az}`, createdAt: at })
      .orIgnore()
      .updateEntity(false)
      .execute();
    await insertRow(dataSource.manager, PricingSnapshotCleanEntity, {
      poolId,
      bucketStart,
      spotPrice,
      onDemandPrice: null,
      dataSource: 'primary',
      confidenceScore: 1,
      interpolationMethod: null,
      flaggedForReview: false,
      sourceCount: 1,
      createdAt: at,
      updatedAt: at,
    });
  }
}
