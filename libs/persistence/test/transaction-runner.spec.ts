import { DataSource } from 'typeorm';
import { ClientEntity, TransactionRunner } from '@spot/persistence';
import { describeEachDatabase, openMigratedDataSource } from '@spot/testing';

const client = (n: number): ClientEntity => ({
  id: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`,
  name: `Client ${n}`,
  email: null,
  clientTokenHash: String(n).padStart(64, '0'),
  clientTokenHint: 'hint',
  plan: 'free',
  maxAgents: 5,
  maxInstances: 10,
  isActive: true,
  totalSavings: 0,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
});

describeEachDatabase('transaction runner', (db) => {
  let ds: DataSource;
  let tx: TransactionRunner;

  beforeAll(async () => {
    ds = await openMigratedDataSource(db());
    tx = new TransactionRunner(ds);
  });

  afterAll(async () => ds?.destroy());

  it('keeps concurrent units of work apart: a rollback undoes only its own writes', async () => {
    const slow = tx.run(async (em) => {
      await em.insert(ClientEntity, client(1));
      await new Promise((r) => setTimeout(r, 50));
      throw new Error('boom');
    });
    const fast = tx.run(async (em) => {
      await em.insert(ClientEntity, client(2));
    });
    await expect(slow).rejects.toThrow('boom');
    await fast;
    const ids = (await ds.getRepository(ClientEntity).find()).map((c) => c.name).sort();
    expect(ids).toEqual(['Client 2']);
  });

  it('returns the value of the unit of work', async () => {
    await expect(tx.run(async (em) => em.count(ClientEntity))).resolves.toBe(1);
  });
});
