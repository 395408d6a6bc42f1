import { RedisConnection, RedisHotData } from '@spot/redis';
import { GlobalRiskTracker, PoolRiskFlag } from '@spot/global-risk';
import { HealthMonitor } from '@spot/sentinel';
import { ManualClock, SafeModeSwitch } from '@spot/core';
import {
  ApiActor,
  bearer,
  describeEachDatabase,
  describeWithRedis,
  freshInstanceId,
  PrivateRedis,
  putSpotPrices,
  startTestApi,
  startTestScheduler,
  TEST_ADMIN,
  TestApi,
  testRedisUrl,
  uniqueRedisPrefix,
} from '@spot/testing';

/**
 * Issue 15: two API processes on one database and one Redis. A pool flagged through API 1 is
 * refused through API 2 as soon as API 2's subscriber has the broadcast (waited for, not timed);
 * with Redis killed mid-test both keep answering on the database, /health says degraded, and
 * nothing raised meanwhile is lost once Redis is back.
 */
describeWithRedis('two APIs on one Redis', () => {
  const world = (label: string, url: () => string) => {
    const clock = new ManualClock('2026-11-24T12:00:00.000Z');
    const env = () => ({ REDIS_URL: url(), REDIS_KEY_PREFIX: uniqueRedisPrefix(label), RATE_LIMIT_TOKEN_PER_MINUTE: '10', TRUST_PROXY: 'true' });
    return { clock, env };
  };

  const agentIn = async (api: TestApi, tenant: { clientToken: string; userToken: string }, name: string, az: string) => {
    const instanceId = freshInstanceId();
    const agent = { ...(await new ApiActor(api).register(tenant.clientToken, { logical_agent_id: name, instance_id: instanceId, az, instance_type: 'm5.large', mode: 'spot' })), instanceId };
    await api.http().post(`/api/client/agents/${agent.agentId}/config`).set(bearer(tenant.userToken)).send({ manual_replica: true, auto_switch: false, auto_terminate: false }).expect(200);
    return agent;
  };
  const terminate = (api: TestApi, agent: { agentId: string; agentToken: string; instanceId: string }) =>
    api.http().post(`/api/agents/${agent.agentId}/termination`).set(bearer(agent.agentToken)).send({ instance_id: agent.instanceId }).expect(200);
  const createReplica = (api: TestApi, tenant: { userToken: string }, agentId: string, body: Record<string, unknown> = {}) =>
    api.http().post(`/api/agents/${agentId}/replicas`).set(bearer(tenant.userToken)).send(body);
  const flagSeenBy = (api: TestApi, poolId: string) =>
    new Promise<PoolRiskFlag>((resolve) => {
      const stop = api.app.get(GlobalRiskTracker).onFlagged((flag) => {
        if (flag.poolId !== poolId) return;
        stop();
        resolve(flag);
      });
    });
  const prices = (api: TestApi, clock: ManualClock) =>
    putSpotPrices(api.dataSource, clock, [
      { instanceType: 'm5.large', az: 'eu-west-1a', price: 0.04 },
      { instanceType: 'm5.large', az: 'eu-west-1b', price: 0.045 },
      { instanceType: 'm5.large', az: 'eu-west-1c', price: 0.05 },
    ]);

  describeEachDatabase('risk flags, sessions, heartbeats and SAFE_MODE', (db) => {
    const { clock, env } = world('risk', testRedisUrl);
    let first: TestApi;
    let second: TestApi;

    beforeAll(async () => {
      const shared = env();
      first = await startTestApi(db(), { clock, env: shared });
      second = await startTestApi(db(), { clock, env: shared });
      await Promise.all([first, second].map((api) => api.app.get(RedisHotData).whenSubscribed()));
      await prices(first, clock);
    });
    afterAll(async () => {
      await first?.close();
      await second?.close();
    });

    it('a pool flagged through API 1 is refused through API 2 once its subscriber has the broadcast', async () => {
      const victim = await new ApiActor(first).signup('Victim Co', 'ops@victim-risk.test');
      const bystander = await new ApiActor(second).signup('Bystander Co', 'ops@bystander-risk.test');
      const other = await agentIn(second, bystander, 'bystander', 'eu-west-1b');
      const seen = flagSeenBy(second, 'm5.large.eu-west-1a');
      await terminate(first, await agentIn(first, victim, 'victim', 'eu-west-1a'));
      expect(await seen).toMatchObject({ poolId: 'm5.large.eu-west-1a', lastSignal: 'termination-notice' });
      // API 2's own view (the shared cache, not the interruption log) has the flag.
      expect(await second.app.get(GlobalRiskTracker).flagOf('m5.large.eu-west-1a')).toMatchObject({ count: 1 });
      const refused = await createReplica(second, bystander, other.agentId, { pool_id: 'm5.large.eu-west-1a' }).expect(409);
      expect(refused.body.details.code).toBe('POOL_FLAGGED');
      expect((await createReplica(second, bystander, other.agentId).expect(201)).body.pool_id).toBe('m5.large.eu-west-1c');
    });

    it('a logout through API 1 refuses the token through API 2 at once, though API 2 had cached it as valid', async () => {
      const token = (await second.http().post('/api/auth/token').set('X-Forwarded-For', '192.0.2.50').send(TEST_ADMIN).expect(200)).body.access_token;
      await second.http().get('/api/admin/safe-mode').set(bearer(token)).expect(200); // "not revoked" is now in the shared cache
      await first.http().post('/api/auth/logout').set(bearer(token)).expect(200);
      const refused = await second.http().get('/api/admin/safe-mode').set(bearer(token)).expect(401);
      expect(refused.body.details.code).toBe('TOKEN_REVOKED');
    });

    it('keeps last heartbeats in Redis: the agents row is written at most every 2 minutes, readers and the offline sweep see the latest', async () => {
      const owner = await new ApiActor(first).signup('Beat Co', 'ops@beat-redis.test');
      const agent = await new ApiActor(second).register(owner.clientToken, { logical_agent_id: 'beat-1' });
      const beat = () => second.http().post(`/api/agents/${agent.agentId}/heartbeat`).set(bearer(agent.agentToken)).send({}).expect(200);
      const stored = async () => new Date((await first.dataSource.query('SELECT last_heartbeat_at AS at FROM agents WHERE id = ?', [agent.agentId]))[0].at).getTime();
      await beat();
      const firstBeat = clock.nowMs();
      clock.advanceSeconds(60);
      await beat();
      expect(Math.abs((await stored()) - firstBeat)).toBeLessThan(1000); // not written again yet
      const listed = await first.http().get(`/api/client/${owner.clientId}/agents`).set(bearer(owner.userToken)).expect(200);
      expect(listed.body.items.find((a: { id: string }) => a.id === agent.agentId).last_heartbeat_at).toBe(clock.now().toISOString());
      // Nine minutes of silence after the last beat: the row says 10, the cache 9, so the agent stays online.
      clock.advanceSeconds(9 * 60);
      expect(await first.app.get(HealthMonitor).markSilentAgentsOffline()).toBe(0);
      expect((await first.http().get(`/api/client/${owner.clientId}/agents`).set(bearer(owner.userToken)).expect(200)).body.items.find((a: { id: string }) => a.id === agent.agentId).status).toBe('online');
      clock.advanceSeconds(61);
      expect(await first.app.get(HealthMonitor).markSilentAgentsOffline()).toBeGreaterThanOrEqual(1);
    });

    it('SAFE_MODE set through API 1 is seen at once by a scheduler on the same Redis', async () => {
      const scheduler = await startTestScheduler(db(), clock, undefined, { REDIS_URL: first.config.redis.url!, REDIS_KEY_PREFIX: first.config.redis.keyPrefix });
      try {
        await scheduler.get(RedisHotData).whenSubscribed();
        const seen = new Promise((resolve) => scheduler.get(SafeModeSwitch).onChange(resolve));
        const admin = (await first.http().post('/api/auth/token').set('X-Forwarded-For', '192.0.2.60').send(TEST_ADMIN).expect(200)).body.access_token;
        await first.http().put('/api/admin/safe-mode').set(bearer(admin)).send({ on: true }).expect(200);
        expect(await seen).toMatchObject({ on: true });
        expect(await scheduler.get(SafeModeSwitch).isOn()).toBe(true);
        await first.http().put('/api/admin/safe-mode').set(bearer(admin)).send({ on: false }).expect(200);
        expect(await scheduler.get(SafeModeSwitch).isOn()).toBe(false);
      } finally {
        await scheduler.close();
      }
    });

    it('reports redis: ok in /health', async () => {
      const health = await second.http().get('/health').expect(200);
      expect(health.body).toMatchObject({ status: 'ok', components: { redis: { status: 'ok' } } });
    });
  });

  describeEachDatabase('Redis killed mid-test', (db) => {
    let redis: PrivateRedis;
    const { clock, env } = world('killed', () => redis.url);
    let first: TestApi;
    let second: TestApi;

    beforeAll(async () => {
      redis = await PrivateRedis.start();
      const shared = env();
      first = await startTestApi(db(), { clock, env: shared });
      second = await startTestApi(db(), { clock, env: shared });
      await Promise.all([first, second].map((api) => api.app.get(RedisHotData).whenSubscribed()));
      await prices(first, clock);
    });
    afterAll(async () => {
      await first?.close();
      await second?.close();
      redis?.stop();
    });

    const lost = (api: TestApi) => new Promise((resolve) => api.app.get(RedisConnection).client.once('close', resolve));

    it('keeps answering on the database, says degraded, and loses nothing it took meanwhile', async () => {
      const victim = await new ApiActor(first).signup('Outage Co', 'ops@outage-redis.test');
      const bystander = await new ApiActor(second).signup('Watcher Co', 'ops@watcher-redis.test');
      const other = await agentIn(second, bystander, 'watcher', 'eu-west-1b');
      const victimAgent = await agentIn(first, victim, 'outage-victim', 'eu-west-1a');
      expect((await first.http().get('/health').expect(200)).body.components.redis).toEqual({ status: 'ok' });

      const gone = Promise.all([lost(first), lost(second)]);
      redis.stop();
      await gone;

      // Health: degraded, still HTTP 200 (the database serves).
      for (const api of [first, second]) {
        const health = await api.http().get('/health').expect(200);
        expect(health.body.status).toBe('degraded');
        expect(health.body.components.redis.status).toBe('degraded');
        expect(health.body.components.database.status).toBe('ok');
      }
      // Sign-in limits hold across both on the database: 10 per address in all.
      const address = '198.51.100.77';
      const signIn = (api: TestApi, email: string, password: string) => api.http().post('/api/auth/token').set('X-Forwarded-For', address).send({ email, password });
      for (let i = 0; i < 10; i++) await signIn(i % 2 ? first : second, `nobody${i}@outage.test`, 'password-1').expect(401);
      await signIn(first, TEST_ADMIN.email, TEST_ADMIN.password).expect(429);
      await signIn(second, TEST_ADMIN.email, TEST_ADMIN.password).expect(429);
      // A flag raised through API 1 during the outage is refused through API 2 (the interruption log).
      await terminate(first, victimAgent);
      expect((await createReplica(second, bystander, other.agentId, { pool_id: 'm5.large.eu-west-1a' }).expect(409)).body.details.code).toBe('POOL_FLAGGED');
      // SAFE_MODE set during the outage is on record.
      clock.advanceSeconds(61);
      const admin = (await signIn(first, TEST_ADMIN.email, TEST_ADMIN.password).expect(200)).body.access_token;
      await first.http().put('/api/admin/safe-mode').set(bearer(admin)).send({ on: true, reason: 'redis outage drill' }).expect(200);

      await redis.startAgain();
      await Promise.all([first, second].map((api) => api.app.get(RedisConnection).whenReady()));
      for (const api of [first, second]) expect((await api.http().get('/health').expect(200)).body).toMatchObject({ status: 'ok', components: { redis: { status: 'ok' } } });
      // Nothing lost: the flag and SAFE_MODE are still there for API 2, on a Redis that came back empty.
      expect((await createReplica(second, bystander, other.agentId, { pool_id: 'm5.large.eu-west-1a' }).expect(409)).body.details.code).toBe('POOL_FLAGGED');
      expect((await second.http().get('/api/admin/safe-mode').set(bearer(admin)).expect(200)).body).toMatchObject({ on: true, reason: 'redis outage drill' });
      // Broadcasts come back too: once both subscribers are subscribed again, a new flag reaches API 2.
      const channel = `${first.config.redis.keyPrefix}bus:global-risk:flag`;
      for (let i = 0; i < 250; i++) {
        const [, subscribers] = (await first.app.get(RedisConnection).client.pubsub('NUMSUB', channel)) as [string, number];
        if (Number(subscribers) >= 2) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const seen = flagSeenBy(second, 'm5.large.eu-west-1c');
      await terminate(first, await agentIn(first, victim, 'after-outage', 'eu-west-1c'));
      expect(await seen).toMatchObject({ poolId: 'm5.large.eu-west-1c' });
      // And Redis counts again: a fresh address gets its 10.
      const fresh = (api: TestApi, i: number) => api.http().post('/api/auth/token').set('X-Forwarded-For', '198.51.100.78').send({ email: `again${i}@outage.test`, password: 'password-1' });
      for (let i = 0; i < 10; i++) await fresh(i % 2 ? first : second, i).expect(401);
      await fresh(first, 10).expect(429);
    });
  });
});
