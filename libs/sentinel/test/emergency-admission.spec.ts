import { DataSource } from 'typeorm';
import { InMemoryRateLimiter, ManualClock } from '@spot/core';
import { insertRow, SpotInterruptionEventEntity } from '@spot/persistence';
import { AWS_RUN_INSTANCES_THROTTLE, DEFAULT_EMERGENCY_LIMITS, EmergencyAdmission, tokenBucketAdmits } from '@spot/sentinel';
import { describeEachDatabase, insertClientWithAgent, interruptionEventRow, openMigratedDataSource } from '@spot/testing';

/**
 * Emergency admission (issue 22 finding 11): a token bucket per client and region sized on AWS's
 * RunInstances throttle, replayed from the launches the events record, on an injected clock.
 */
describe('token bucket on RunInstances figures', () => {
  const limits = { launchBurst: 5, launchesPerMinute: 60 }; // one a second after a burst of five
  const horizon = 600_000;

  it('admits a full burst at once, then one per refill interval, and says when the next token comes', () => {
    const now = 1_000_000;
    expect(tokenBucketAdmits([], now, limits, horizon).admitted).toBe(true);
    const burst = [now, now, now, now, now];
    expect(tokenBucketAdmits(burst.slice(0, 4), now, limits, horizon).admitted).toBe(true);
    expect(tokenBucketAdmits(burst, now, limits, horizon)).toEqual({ admitted: false, retryAfterMs: 1000 });
    expect(tokenBucketAdmits(burst, now + 999, limits, horizon).admitted).toBe(false);
    expect(tokenBucketAdmits(burst, now + 1000, limits, horizon).admitted).toBe(true);
    expect(tokenBucketAdmits([...burst, now + 1000], now + 1500, limits, horizon)).toEqual({ admitted: false, retryAfterMs: 500 });
  });

  it('refills to the burst size and no further', () => {
    const quiet = [0, 0, 0, 0, 0];
    expect(tokenBucketAdmits([...quiet, 3_600_000, 3_600_000, 3_600_000, 3_600_000], 3_600_000, limits, horizon).admitted).toBe(true);
    expect(tokenBucketAdmits([...quiet, ...Array(5).fill(3_600_000)], 3_600_000, limits, horizon).admitted).toBe(false);
  });

  it('defaults to AWS bucket and 75 % of its refill: a 100-instance reclaim of one client is admitted well inside 120 s', () => {
    expect(DEFAULT_EMERGENCY_LIMITS.launchBurst).toBe(AWS_RUN_INSTANCES_THROTTLE.requestBucket);
    expect(DEFAULT_EMERGENCY_LIMITS.launchesPerMinute).toBe(90);
    expect(DEFAULT_EMERGENCY_LIMITS.launchesPerMinute / 60).toBeLessThan(AWS_RUN_INSTANCES_THROTTLE.requestRefillPerSecond);
    // Admit greedily whenever a token is there: when does the 100th launch pass?
    const admitted: number[] = [];
    let now = 0;
    while (admitted.length < 100) {
      const decision = tokenBucketAdmits(admitted, now, DEFAULT_EMERGENCY_LIMITS, horizon);
      if (decision.admitted) admitted.push(now);
      else now += decision.retryAfterMs;
    }
    expect(admitted.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(admitted[99]).toBeLessThanOrEqual(Math.ceil((95 / 1.5) * 1000));
    expect(admitted[99] + 10_000).toBeLessThan(120_000); // plus the emergency-queue job's 10 s cadence
  });
});

describeEachDatabase('emergency admission from recorded launches', (db) => {
  let dataSource: DataSource;
  const start = new Date('2026-12-01T12:00:00Z');
  const clock = new ManualClock(start);
  const admission = new EmergencyAdmission(clock, { launchBurst: 3, launchesPerMinute: 30 }, new InMemoryRateLimiter(clock)); // 3 at once, then one per 2 s
  let seq = 0;

  beforeAll(async () => {
    dataSource = await openMigratedDataSource(db());
  });
  afterAll(async () => dataSource?.destroy());

  const launch = async (clientId: string, agentId: string, poolId: string) => {
    seq += 1;
    const id = `e0000000-0000-4000-8000-${String(seq).padStart(12, '0')}`;
    const row = interruptionEventRow(
      { id, clientId, agentId, instanceId: `i-${String(seq).padStart(17, '0')}`, poolId, at: clock.now() },
      { responseAction: 'emergency-launch', actionAt: clock.now() },
    );
    await insertRow(dataSource.manager, SpotInterruptionEventEntity, row);
  };

  it('holds a client to its bucket per region (and to the shared slots), refills with the clock, and leaves other clients and regions alone', async () => {
    const { agent } = await insertClientWithAgent(dataSource, start);
    const other = await insertClientWithAgent(dataSource, start);
    const irish = 'm5.large.eu-west-1a';
    const room = (clientId: string, pool: string | null) => admission.admit(dataSource.manager, clientId, pool);

    for (let i = 0; i < 3; i++) {
      expect((await room(agent.clientId, irish)).admitted).toBe(true);
      await launch(agent.clientId, agent.id, irish);
    }
    expect(await room(agent.clientId, irish)).toEqual({ admitted: false, retryAfterMs: 2000 });
    expect(await room(agent.clientId, 'm5.large.eu-west-1b')).toMatchObject({ admitted: false }); // same region
    expect((await room(agent.clientId, 'm5.large.us-east-1a')).admitted).toBe(true); // another region: its own bucket
    expect((await room(other.agent.clientId, irish)).admitted).toBe(true); // another account

    clock.advance(1999);
    expect((await room(agent.clientId, irish)).admitted).toBe(false);
    clock.advance(1);
    // The bucket has a token again, but the shared slots every API process takes (a burst per
    // burst / refill = 6 s) still hold the first three: the same rate, in steps of a burst.
    expect(await room(agent.clientId, irish)).toEqual({ admitted: false, retryAfterMs: 4000 });
    clock.advance(4000);
    for (let i = 0; i < 3; i++) {
      expect((await room(agent.clientId, irish)).admitted).toBe(true);
      await launch(agent.clientId, agent.id, irish);
    }
    expect((await room(agent.clientId, irish)).admitted).toBe(false);

    clock.advanceSeconds(3600);
    expect((await room(agent.clientId, irish)).admitted).toBe(true);
  });
});
