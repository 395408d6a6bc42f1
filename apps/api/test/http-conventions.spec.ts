import { DataSource } from 'typeorm';
import { describeEachDatabase, startTestApi, TestApi } from '@spot/testing';

describeEachDatabase('HTTP conventions', (db) => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi(db());
  });

  afterAll(async () => api?.close());

  it('answers /health with the database status and version', async () => {
    const res = await api.http().get('/health').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      components: { database: { status: 'ok', dialect: db().dialect, pending_migrations: false } },
    });
  });

  it('uses one error body everywhere, with the correlation id of the request', async () => {
    const unknownRoute = await api.http().get('/api/nowhere').set('X-Correlation-Id', 'trace-123').expect(404);
    expect(unknownRoute.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String), correlationId: 'trace-123' });
    expect(unknownRoute.headers['x-correlation-id']).toBe('trace-123');

    const badJson = await api.http().post('/api/auth/token').set('Content-Type', 'application/json').send('{"email":').expect(400);
    expect(badJson.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Request body is not valid JSON', correlationId: badJson.headers['x-correlation-id'] });

    const tooBig = await api.http().post('/api/auth/token').set('Content-Type', 'application/json').send(JSON.stringify({ email: 'x'.repeat(2_000_000) })).expect(413);
    expect(tooBig.body).toMatchObject({ statusCode: 413, correlationId: expect.any(String) });
  });

  it('replaces an unsafe correlation id with a fresh one', async () => {
    const res = await api.http().get('/health').set('X-Correlation-Id', 'bad id with spaces; and=quotes"').expect(200);
    expect(res.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs each request in the seed-003 format with its correlation id', async () => {
    await api.http().get('/health').set('X-Correlation-Id', 'log-check-1').expect(200);
    const line = api.logLines.find((l) => l.includes('cid=log-check-1'));
    expect(line).toMatch(/^\d{4}-\d{2}-\d{2}T\S+Z \[CORE-API\] \[GET \/health\] \[SUCCESS\] \[\d+ms\] cid=log-check-1 status=200$/);
  });

  it('answers 503 from /health when the database is gone', async () => {
    const dataSource = api.app.get(DataSource);
    await dataSource.destroy();
    const res = await api.http().get('/health').expect(503);
    expect(res.body).toMatchObject({ status: 'degraded', components: { database: { status: 'error' } } });
  });
});
