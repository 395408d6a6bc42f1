import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describeEachDatabase, startTestApi, TestApi } from '@spot/testing';

describeEachDatabase('input hardening', (db) => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi(db());
  });

  afterAll(async () => api?.close());

  describe('nested JSON (issue 22 finding 1)', () => {
    it.each([
      ['5,000 nested [', '['.repeat(5000)],
      ['5,000 nested [ closed', '['.repeat(5000) + ']'.repeat(5000)],
      ['1 MB of [', '['.repeat(1024 * 1024 - 16)],
      ['objects 100 deep', '{"a":'.repeat(100) + '1' + '}'.repeat(100)],
    ])('answers 400 naming the depth for %s', async (_name, body) => {
      const res = await api.http().post('/api/auth/token').set('Content-Type', 'application/json').send(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, details: { code: 'JSON_TOO_DEEP' } });
      expect(res.body.message).toMatch(/deeper than 64/);
    });

    it('refuses deep bodies on every JSON route, before authentication or validation', async () => {
      const deep = '['.repeat(100) + ']'.repeat(100);
      for (const path of ['/api/auth/signup', '/api/admin/clients', '/api/agents/register', '/api/agents/00000000-0000-4000-8000-000000000000/heartbeat']) {
        const res = await api.http().post(path).set('Content-Type', 'application/json').send(deep);
        expect({ path, status: res.status, code: res.body.details?.code }).toEqual({ path, status: 400, code: 'JSON_TOO_DEEP' });
      }
      // 64 levels are still JSON the validators judge (here: not an object of the DTO).
      const ok = await api.http().post('/api/auth/token').set('Content-Type', 'application/json').send('['.repeat(64) + ']'.repeat(64));
      expect(ok.status).toBe(400);
      expect(ok.body.details?.code).toBe('VALIDATION_FAILED');
      // Brackets inside strings do not count: this is just a wrong password.
      const inString = await api.http().post('/api/auth/token').send({ email: 'a@b.example', password: '[\\"['.repeat(200) });
      expect(inString.status).toBe(401);
    });

    it('keeps answering /health while a dozen 1 MB bodies of [ arrive', async () => {
      // Event-driven: every /health request is sent while the deep bodies are in flight, and the
      // event loop's worst stall is recorded. On main each body held the loop for a second or more.
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const body = '['.repeat(512 * 1024 - 8) + ']'.repeat(512 * 1024 - 8);
      const deep = Array.from({ length: 12 }, () => api.http().post('/api/auth/token').set('Content-Type', 'application/json').send(body).then((r) => r.status));
      const health = Array.from({ length: 12 }, () => api.http().get('/health').then((r) => r.status));
      const [deepStatuses, healthStatuses] = await Promise.all([Promise.all(deep), Promise.all(health)]);
      delay.disable();
      expect(deepStatuses).toEqual(Array(12).fill(400));
      expect(healthStatuses).toEqual(Array(12).fill(200));
      // Generous on purpose (the machine is shared): the scan itself is a few ms per megabyte.
      expect(delay.max / 1e6).toBeLessThan(2000);
    });
  });
});
