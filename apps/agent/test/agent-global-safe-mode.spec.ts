import { ManualClock } from '@spot/core';
import { ApiActor, bearer, describeEachDatabase, startTestApi, TestApi, testRedisUrl, uniqueRedisPrefix } from '@spot/testing';
import { FleetHarness } from './support/fleet-harness';

/**
 * The global SAFE_MODE (issue 15): a super-admin sets it through one API process and an agent
 * that talks to another API process learns it from its next heartbeat answer; while it is on,
 * every AWS change of the agent is a DryRun. Two APIs on one database; again on one Redis when
 * REDIS_URL is set (then the flag is seen at once, without Redis within the 5 s cache of each process).
 */
globalSafeMode('global SAFE_MODE across two APIs', () => ({}));
if (process.env.REDIS_URL) globalSafeMode('global SAFE_MODE across two APIs on Redis', () => ({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: uniqueRedisPrefix('safe-mode') }));

function globalSafeMode(name: string, redisEnv: () => Record<string, string>): void {
  describeEachDatabase(name, (db) => {
    const clock = new ManualClock('2026-11-24T12:00:00.000Z');
    const withRedis = Object.keys(redisEnv()).length > 0;
    let first: TestApi;
    let second: TestApi;
    let fleet: FleetHarness;

    beforeAll(async () => {
      const env = redisEnv();
      first = await startTestApi(db(), { clock, env });
      second = await startTestApi(db(), { clock, env });
      fleet = new FleetHarness(clock);
      await fleet.start(second); // the agent polls API 2
    });
    afterAll(async () => {
      await fleet?.stop();
      await first?.close();
      await second?.close();
    });

    it('is set by a super-admin on API 1 and turns an agent polling API 2 to DryRun, and back', async () => {
      const actor = new ApiActor(first);
      const admin = await actor.adminToken();
      const { clientToken, userToken } = await actor.signup('Safe Co', 'ops@safe.test');
      const instanceId = await fleet.launch('spot', 'm5.large', 'eu-west-1b');
      const agent = fleet.agentOn(instanceId, clientToken, 'safe-1');
      await agent.boot();
      await agent.heartbeatOnce();
      expect(agent.dryRunOnly).toBe(false);

      await first.http().put('/api/admin/safe-mode').set(bearer(userToken)).send({ on: true }).expect(403);
      await first.http().put('/api/admin/safe-mode').set(bearer(admin)).send({ on: 'yes' }).expect(400);
      const set = await first.http().put('/api/admin/safe-mode').set(bearer(admin)).send({ on: true, reason: 'incident 42' }).expect(200);
      expect(set.body).toMatchObject({ on: true, reason: 'incident 42', changed_at: clock.now().toISOString() });
      // Without Redis each process trusts its copy for 5 s.
      if (!withRedis) clock.advanceSeconds(6);
      expect((await second.http().get('/api/admin/safe-mode').set(bearer(admin)).expect(200)).body.on).toBe(true);

      await agent.heartbeatOnce();
      expect(agent.dryRunOnly).toBe(true);
      expect(fleet.logLines.some((l) => l.includes('[SAFE-MODE] [ENTER]') && l.includes('DryRun'))).toBe(true);
      const launched = await fleet.cloud.launchInstance({ instanceType: 'm5.large', az: 'eu-west-1a', mode: 'spot', imageId: fleet.baseImage, clientToken: 'safe-mode-probe' });
      expect(launched.dryRun).toBe(true);

      await first.http().put('/api/admin/safe-mode').set(bearer(admin)).send({ on: false }).expect(200);
      if (!withRedis) clock.advanceSeconds(6);
      await agent.heartbeatOnce();
      expect(agent.dryRunOnly).toBe(false);
      const events: Array<{ n: number | string }> = await first.dataSource.query("SELECT COUNT(*) AS n FROM system_events WHERE event_type = 'safe-mode.changed'");
      expect(Number(events[0].n)).toBe(2); // audited, and what a restart reads back
      await agent.shutdown(100);
    });
  });
}
