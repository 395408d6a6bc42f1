/**
 * @jest-environment ./test/support/native-typed-arrays-environment.js
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisHotData } from '@spot/redis';
import { ActiveModelEngine } from '@spot/learning';
import { ManualClock } from '@spot/core';
import { ApiActor, bearer, describeEachDatabase, describeWithRedis, goodModel, startTestApi, TestApi, testRedisUrl, uniqueRedisPrefix } from '@spot/testing';

/**
 * Issue 15: the model hot-swap is broadcast on Redis pub/sub. A model activated through API 1 is
 * answered by API 2 once its subscriber has the message — no 10 s poll (the clock never moves
 * here, so the poll cannot be what loads it); a rollback travels the same way.
 */
describeWithRedis('model hot-swap broadcast', () => {
  describeEachDatabase('two APIs on one Redis', (db) => {
    const clock = new ManualClock('2026-11-24T12:00:00.000Z');
    let first: TestApi;
    let second: TestApi;
    let storage: string;

    beforeAll(async () => {
      storage = mkdtempSync(join(tmpdir(), 'spot-models-'));
      const env = { MODEL_STORAGE_DIR: storage, MODEL_VALIDATION_TIMEOUT_MS: '4000', REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: uniqueRedisPrefix('models') };
      first = await startTestApi(db(), { clock, env });
      second = await startTestApi(db(), { clock, env });
      await Promise.all([first, second].map((api) => api.app.get(RedisHotData).whenSubscribed()));
    });
    afterAll(async () => {
      await first?.close();
      await second?.close();
      rmSync(storage, { recursive: true, force: true });
    });

    const swapSeenBy = (api: TestApi, sessionId: string | null) =>
      new Promise<void>((resolve) => {
        const stop = api.app.get(ActiveModelEngine).onSwapped((live) => {
          if (live !== sessionId) return;
          stop();
          resolve();
        });
      });

    it('activation and rollback through API 1 reach API 2 by the broadcast', async () => {
      const admin = await new ApiActor(first).adminToken();
      const uploaded = await first.http().post('/api/admin/ml-models/upload').set(bearer(admin)).attach('file', goodModel(-3), 'risk-v1.onnx').expect(201);
      await second.app.get(ActiveModelEngine).refresh(true); // API 2 has looked once: only a message can change its mind now
      expect(second.app.get(ActiveModelEngine).liveSessionId()).toBeNull();

      const live = swapSeenBy(second, uploaded.body.id);
      await first.http().post('/api/admin/ml-models/activate').set(bearer(admin)).send({ session_id: uploaded.body.id }).expect(200);
      await live;
      expect(second.app.get(ActiveModelEngine).name).toBe(uploaded.body.engine_name);

      const back = swapSeenBy(second, null);
      await first.http().post('/api/admin/ml-models/rollback').set(bearer(admin)).send({}).expect(200);
      await back;
      expect(second.app.get(ActiveModelEngine).liveSessionId()).toBeNull();
    });
  });
});
