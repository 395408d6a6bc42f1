import { DataSource } from 'typeorm';
import { ClientEntity, CommandEntity, AgentEntity, PricingSnapshotCleanEntity, SpotPoolEntity, SavingsSnapshotEntity } from '@spot/persistence';
import { describeEachDatabase, openMigratedDataSource } from '@spot/testing';

const at = (iso: string) => new Date(iso);

describeEachDatabase('column types round-trip', (db) => {
  let ds: DataSource;

  beforeAll(async () => {
    ds = await openMigratedDataSource(db());
    await ds.getRepository(ClientEntity).insert({
      id: '00000000-0000-7000-8000-000000000001',
      name: 'Acme',
      email: 'ops@acme.test',
      clientTokenHash: 'a'.repeat(64),
      clientTokenHint: 'abcd',
      plan: 'free',
      maxAgents: 5,
      maxInstances: 10,
      isActive: true,
      totalSavings: 1234.5678,
      createdAt: at('2026-03-01T10:20:30.456Z'),
      updatedAt: at('2026-03-01T10:20:30.456Z'),
    });
  });

  afterAll(async () => ds?.destroy());

  it('keeps money as exact decimals and times in UTC with milliseconds', async () => {
    const client = await ds.getRepository(ClientEntity).findOneByOrFail({ id: '00000000-0000-7000-8000-000000000001' });
    expect(client.totalSavings).toBe(1234.5678);
    expect(client.createdAt.toISOString()).toBe('2026-03-01T10:20:30.456Z');
    expect(client.isActive).toBe(true);
  });

  it('stores six-decimal spot prices and compares times as instants', async () => {
    await ds.getRepository(SpotPoolEntity).insert({
      id: 't4g.nano.eu-west-1a',
      poolName: 't4g.nano eu-west-1a',
      instanceType: 't4g.nano',
      region: 'eu-west-1',
      az: 'eu-west-1a',
      createdAt: at('2026-03-01T00:00:00Z'),
    });
    const base = { poolId: 't4g.nano.eu-west-1a', onDemandPrice: 0.0046, dataSource: 'primary' as const, confidenceScore: 1, interpolationMethod: null, flaggedForReview: false, sourceCount: 1 };
    await ds.getRepository(PricingSnapshotCleanEntity).insert([
      { ...base, bucketStart: at('2026-03-01T00:00:00Z'), spotPrice: 0.001612, createdAt: at('2026-03-01T00:00:01Z'), updatedAt: at('2026-03-01T00:00:01Z') },
      { ...base, bucketStart: at('2026-03-01T00:05:00Z'), spotPrice: 0.0017, createdAt: at('2026-03-01T00:05:01Z'), updatedAt: at('2026-03-01T00:05:01Z') },
    ]);
    const later = await ds
      .getRepository(PricingSnapshotCleanEntity)
      .createQueryBuilder('p')
      .where('p.pool_id = :pool AND p.bucket_start > :after', { pool: 't4g.nano.eu-west-1a', after: at('2026-03-01T00:02:00Z') })
      .getMany();
    expect(later).toHaveLength(1);
    expect(later[0].spotPrice).toBe(0.0017);
    expect(later[0].bucketStart.toISOString()).toBe('2026-03-01T00:05:00.000Z');
  });

  it('round-trips JSON payloads and calendar dates', async () => {
    await ds.getRepository(AgentEntity).insert({
      id: '00000000-0000-7000-8000-0000000000a1',
      clientId: '00000000-0000-7000-8000-000000000001',
      logicalAgentId: 'web-1',
      currentMode: 'spot',
      status: 'online',
      createdAt: at('2026-03-01T00:00:00Z'),
      updatedAt: at('2026-03-01T00:00:00Z'),
    });
    await ds.getRepository(CommandEntity).insert({
      id: '00000000-0000-7000-8000-0000000000c1',
      clientId: '00000000-0000-7000-8000-000000000001',
      agentId: '00000000-0000-7000-8000-0000000000a1',
      commandType: 'switch',
      priority: 75,
      origin: 'manual',
      status: 'pending',
      payload: { target_pool_id: 'm5.large.eu-west-1b', nested: { ok: true } } as never,
      createdAt: at('2026-03-01T00:00:00Z'),
      updatedAt: at('2026-03-01T00:00:00Z'),
    });
    const command = await ds.getRepository(CommandEntity).findOneByOrFail({ id: '00000000-0000-7000-8000-0000000000c1' });
    expect(command.payload).toEqual({ target_pool_id: 'm5.large.eu-west-1b', nested: { ok: true } });

    await ds.getRepository(SavingsSnapshotEntity).insert({
      clientId: '00000000-0000-7000-8000-000000000001',
      snapshotDate: '2026-02-28',
      onDemandCost: 100,
      actualCost: 31.25,
      savings: 68.75,
      savingsPercent: 68.75,
      instanceHours: 24,
      switchCount: 1,
      interruptionCount: 0,
      createdAt: at('2026-03-01T00:05:00Z'),
    });
    const snapshot = await ds.getRepository(SavingsSnapshotEntity).findOneByOrFail({ clientId: '00000000-0000-7000-8000-000000000001' });
    expect(snapshot.snapshotDate).toBe('2026-02-28');
    expect(snapshot.actualCost).toBe(31.25);
  });
});
