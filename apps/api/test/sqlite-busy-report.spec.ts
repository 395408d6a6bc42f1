import { ApiActor, bearer, createTestDatabase, holdSqliteWriteLock, startTestApi, TestApi, TestDatabase } from '@spot/testing';

/**
 * Issue 13: a pricing report answered 500 ("database is locked") 89 ms in while the scheduler's
 * jobs wrote to the same SQLite file. The report must wait for the other process's write and
 * succeed. SQLite only: MySQL has row locks and its own retry (TransactionRunner).
 */
describe('a pricing report while another process writes to the SQLite file', () => {
  let database: TestDatabase;
  let api: TestApi;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    api = await startTestApi(database);
  });
  afterAll(async () => {
    await api?.close();
    await database?.dispose();
  });

  it('waits for the write lock and stores the report', async () => {
    const client = await new ApiActor(api).signup('Busy Co', 'ops@busy.test');
    const agent = await new ApiActor(api).register(client.clientToken, { logical_agent_id: 'web', instance_type: 'm5.large', az: 'eu-west-1a', mode: 'spot' });
    const path = database.config.dialect === 'sqlite' ? database.config.path : '';
    const report = (spot_price: number, observed_at: string) =>
      api.http().post(`/api/agents/${agent.agentId}/pricing-report`).set(bearer(agent.agentToken)).send({ observations: [{ instance_type: 'm5.large', az: 'eu-west-1a', spot_price, observed_at }] });
    // The pool exists from earlier reports, as in production: the report's only writes are in its transaction.
    await report(0.04, '2026-11-24T11:52:00Z').expect(200);
    // The scheduler's job run record, written and held for 1.5 s.
    const held = await holdSqliteWriteLock(path, 1500, {
      sql: "INSERT INTO system_events (id, event_type, component, severity, message, created_at) VALUES ('01900000-0000-7000-8000-000000000001', 'job.ran', 'WORK-SCHED', 'info', 'gap fill', '2026-11-24 12:00:00.000')",
    });
    const res = await report(0.0401, '2026-11-24T11:58:00Z');
    await held.released;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ stored: 1 });
    const [events] = await api.dataSource.query("SELECT COUNT(*) AS n FROM system_events WHERE event_type = 'job.ran'");
    expect(events.n).toBe(1);
  }, 30_000);
});
