import { ApiActor, bearer, describeEachDatabase, freshInstanceId, putSpotPrices, startTestApi, TEST_ADMIN, TestApi, testRedisUrl, uniqueRedisPrefix } from '@spot/testing';
import { ManualClock } from '@spot/core';

/**
 * Issue 22, finding 9: rate limits hold across API processes and restarts (they live in the
 * database behind the RateLimiter port), and one account has its own sign-in limit beside the
 * per-address one. Two API applications run on one database with one injected clock. Run again
 * with both on one Redis when REDIS_URL is set (issue 15: the limits are counted in Redis then).
 */
sharedLimits('rate limits shared by two APIs', () => ({}));
// Redis: on MySQL/MariaDB only, the production shape (two processes writing one SQLite file time out on its lock under this load).
if (process.env.REDIS_URL) sharedLimits('rate limits shared by two APIs on Redis', () => ({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: uniqueRedisPrefix('limits') }), ['mysql']);

function sharedLimits(name: string, redisEnv: () => Record<string, string>, dialects?: Array<'sqlite' | 'mysql'>): void {
  describeEachDatabase(name, (db) => {
    const clock = new ManualClock('2026-11-24T12:00:00.000Z');
    const env = {
      ...redisEnv(),
      RATE_LIMIT_TOKEN_PER_MINUTE: '10',
      RATE_LIMIT_SIGNUP_PER_HOUR: '5',
      TRUST_PROXY: 'true',
      EMERGENCY_LAUNCH_BURST: '10',
      EMERGENCY_LAUNCHES_PER_MINUTE: '10',
    };
    let first: TestApi;
    let second: TestApi;

    beforeAll(async () => {
      first = await startTestApi(db(), { env, clock });
      second = await startTestApi(db(), { env, clock });
    });

    afterAll(async () => {
      await first?.close();
      await second?.close();
    });

    const signIn = (api: TestApi, address: string, email: string, password: string) =>
      api.http().post('/api/auth/token').set('X-Forwarded-For', address).send({ email, password });

    it('allows 10 sign-in attempts a minute per address in total across both APIs, and a restart does not reset it', async () => {
      const address = '198.51.100.7';
      for (let i = 0; i < 10; i++) await signIn(i % 2 ? first : second, address, `nobody${i}@addr.test`, 'password-1').expect(401);
      for (const api of [first, second]) {
        const refused = await signIn(api, address, TEST_ADMIN.email, TEST_ADMIN.password).expect(429);
        expect(refused.body.details.code).toBe('RATE_LIMITED');
      }
      await first.close();
      first = await startTestApi(db(), { env, clock }); // a restart of one API
      await signIn(first, address, TEST_ADMIN.email, TEST_ADMIN.password).expect(429);
      clock.advanceSeconds(61);
      await signIn(first, address, TEST_ADMIN.email, TEST_ADMIN.password).expect(200);
    });

    it('allows 5 sign-ups an hour per address across both APIs', async () => {
      const address = '198.51.100.8';
      const signup = (api: TestApi, i: number) =>
        api.http().post('/api/auth/signup').set('X-Forwarded-For', address).send({ org_name: `Shared ${i}`, email: `owner${i}@shared.test`, password: 'password-123' });
      for (let i = 0; i < 5; i++) await signup(i % 2 ? first : second, i).expect(201);
      await signup(first, 5).expect(429);
      await signup(second, 6).expect(429);
    });

    it('checks at most 5 passwords a minute of one account from 20 addresses, locks it at 10 wrong ones and tells its users', async () => {
      const victim = await new ApiActor(first).signup('Victim Co', 'ceo@victim.test', 'right-password-1');
      clock.advanceSeconds(61);
      // 100 wrong passwords, 5 from each of 20 addresses (each within its per-address limit), through both APIs at once.
      const attempt = (i: number) => signIn(i % 2 ? first : second, `203.0.113.${i % 20}`, 'ceo@victim.test', `wrong-password-${i}`);
      const firstMinute = await Promise.all(Array.from({ length: 100 }, (_, i) => attempt(i)));
      expect(firstMinute.filter((r) => r.status === 401)).toHaveLength(5); // checked
      const refused = firstMinute.filter((r) => r.status === 429);
      expect(refused).toHaveLength(95);
      expect(new Set(refused.map((r) => r.body.details.code))).toEqual(new Set(['ACCOUNT_BACKOFF']));
      expect(Number(refused[0].headers['retry-after'])).toBeGreaterThan(0);

      clock.advanceSeconds(61);
      const secondMinute = await Promise.all(Array.from({ length: 100 }, (_, i) => attempt(i)));
      expect(secondMinute.filter((r) => r.status === 401)).toHaveLength(5); // the 10th wrong password locks the account

      clock.advanceSeconds(61);
      const locked = await signIn(second, '192.0.2.1', 'CEO@victim.test', 'right-password-1').expect(429);
      expect(locked.body.details.code).toBe('ACCOUNT_LOCKED');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(10 * 60);

      clock.advanceSeconds(15 * 60);
      const token = (await signIn(first, '192.0.2.1', 'ceo@victim.test', 'right-password-1').expect(200)).body.access_token;
      const notices = (await first.http().get('/api/notifications').set(bearer(token)).expect(200)).body.items.filter((n: { category: string }) => n.category === 'security');
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatchObject({ severity: 'warning', title: 'Sign-in locked for ceo@victim.test' });
      expect(victim.clientId).toBeTruthy();
      // A success starts the account's count again.
      for (let i = 0; i < 5; i++) await signIn(second, '192.0.2.2', 'ceo@victim.test', 'wrong-again').expect(401);
      await signIn(second, '192.0.2.2', 'ceo@victim.test', 'wrong-again').expect(429);
    });

    it("admits one client's emergency bucket (10 at once) in total across both APIs", async () => {
      const actor = new ApiActor(first);
      const admin = await actor.adminToken();
      await putSpotPrices(first.dataSource, clock, [
        { instanceType: 'm5.large', az: 'eu-west-1a', price: 0.04 },
        { instanceType: 'm5.large', az: 'eu-west-1b', price: 0.045 },
      ]);
      const client = await actor.createClient(admin, { name: 'Two APIs', max_agents: 30, max_instances: 60 });
      const agents = [];
      for (let i = 0; i < 20; i++) {
        const instanceId = freshInstanceId();
        const agent = await actor.register(client.clientToken, { logical_agent_id: `two-${i}`, instance_id: instanceId, az: 'eu-west-1a', instance_type: 'm5.large', mode: 'spot' });
        agents.push({ ...agent, instanceId });
      }
      const answers = await Promise.all(
        agents.map((a, i) => (i % 2 ? first : second).http().post(`/api/agents/${a.agentId}/termination`).set(bearer(a.agentToken)).send({ instance_id: a.instanceId })),
      );
      expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
      const rows: Array<{ response_action: string }> = await first.dataSource.query('SELECT response_action FROM spot_interruption_events WHERE client_id = ?', [client.id]);
      expect(rows.filter((r) => r.response_action === 'emergency-launch')).toHaveLength(10);
      expect(rows.filter((r) => r.response_action === 'queued')).toHaveLength(10);
    });

    if (dialects) {
      it('counted every one of those limits in Redis, none in the database', async () => {
        const [{ n }] = await first.dataSource.query('SELECT COUNT(*) AS n FROM rate_limit_slots');
        expect(Number(n)).toBe(0);
      });
    }
  }, { dialects });
}
