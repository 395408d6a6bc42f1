import { DataSource } from 'typeorm';
import { CryptoIdGenerator, DomainError, ManualClock } from '@spot/core';
import { COMMAND_PRIORITY, CommandTracker, EXECUTION_TIMEOUT_SECONDS } from '@spot/command-tracker';
import { createDataSource, SystemEventEntity, SystemEventLog, TransactionRunner } from '@spot/persistence';
import { describeEachDatabase, insertClientWithAgent, openMigratedDataSource } from '@spot/testing';

describeEachDatabase('CommandTracker', (db) => {
  let dataSource: DataSource;
  const clock = new ManualClock('2026-11-24T12:00:00Z');
  const trackerOn = (ds: DataSource) => new CommandTracker(ds, new TransactionRunner(ds), new SystemEventLog(ds, clock, new CryptoIdGenerator(clock)), clock, new CryptoIdGenerator(clock));
  let tracker: CommandTracker;

  beforeAll(async () => {
    dataSource = await openMigratedDataSource(db());
    tracker = trackerOn(dataSource);
  });
  afterAll(async () => {
    await dataSource?.destroy();
  });

  const newAgent = async () => {
    const { agent } = await insertClientWithAgent(dataSource, clock.now());
    return { agentId: agent.id, clientId: agent.clientId };
  };

  const eventsOf = async (commandId: string) => {
    const rows = await dataSource.getRepository(SystemEventEntity).find({ where: { component: 'CORE-CMD' }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.filter((e) => e.metadata?.command_id === commandId).map((e) => e.eventType);
  };

  const refusal = async (work: Promise<unknown>): Promise<DomainError> => {
    try {
      await work;
    } catch (error) {
      return error as DomainError;
    }
    throw new Error('expected a refusal');
  };

  it('hands out the highest priority first and marks commands executing', async () => {
    const who = await newAgent();
    const automatic = await tracker.issue({ ...who, commandType: 'cleanup', origin: 'automatic' });
    clock.advanceSeconds(1);
    const manual = await tracker.issue({ ...who, commandType: 'launch-replica', origin: 'manual' });
    clock.advanceSeconds(1);
    const emergency = await tracker.issue({ ...who, commandType: 'terminate-instance', origin: 'emergency', payload: { instance_id: 'i-1' } });
    expect([automatic.priority, manual.priority, emergency.priority]).toEqual([50, 75, 100]);
    expect(COMMAND_PRIORITY).toEqual({ emergency: 100, manual: 75, automatic: 50 });
    expect(await tracker.countPending({ agentId: who.agentId })).toBe(3);

    const first = await tracker.claimNext(who.agentId, 2);
    expect(first.map((c) => c.id)).toEqual([emergency.id, manual.id]);
    expect(first.every((c) => c.status === 'executing' && c.claimedAt?.getTime() === clock.nowMs())).toBe(true);
    expect((await tracker.claimNext(who.agentId)).map((c) => c.id)).toEqual([automatic.id]);
    expect(await tracker.claimNext(who.agentId)).toEqual([]);
    expect((await tracker.findById(manual.id))?.status).toBe('executing');
  });

  it('never hands one command to two pollers, even polling in parallel on separate connections', async () => {
    const who = await newAgent();
    const total = 40;
    for (let i = 0; i < total; i++) {
      await tracker.issue({ ...who, commandType: 'terminate-instance', origin: i % 2 ? 'manual' : 'automatic', payload: { instance_id: `i-${i}` } });
    }
    // On MySQL each poller has its own DataSource (its own connection pool), as separate API
    // processes would; SQLite serves one process, so its pollers share the process's DataSource.
    const separate = db().dialect === 'mysql';
    const pollers = await Promise.all(Array.from({ length: 4 }, () => (separate ? createDataSource(db().config) : Promise.resolve(dataSource))));
    try {
      const poll = async (t: CommandTracker) => {
        const got: string[] = [];
        for (;;) {
          const batch = await t.claimNext(who.agentId, 3);
          if (batch.length === 0 && (await t.countPending({ agentId: who.agentId })) === 0) return got;
          got.push(...batch.map((c) => c.id));
        }
      };
      const results = await Promise.all(pollers.map((ds) => poll(separate ? trackerOn(ds) : tracker)));
      const all = results.flat();
      expect(all).toHaveLength(total);
      expect(new Set(all).size).toBe(total);
      const claimedEvents = await dataSource.getRepository(SystemEventEntity).countBy({ eventType: 'command.claimed', agentId: who.agentId });
      expect(claimedEvents).toBe(total);
    } finally {
      if (separate) await Promise.all(pollers.map((ds) => ds.destroy()));
    }
  });

  it('lets a manual switch supersede a pending automatic one, and refuses an automatic one behind it', async () => {
    const who = await newAgent();
    const automatic = await tracker.issue({ ...who, commandType: 'switch', origin: 'automatic', payload: { target: 'pool', pool_id: 'm5.large.eu-west-1b' } });
    const manual = await tracker.issue({ ...who, commandType: 'switch', origin: 'manual', payload: { target: 'on-demand' }, createdBy: 'ops@example.com' });
    const replaced = await tracker.findById(automatic.id);
    expect(replaced).toMatchObject({ status: 'superseded', supersededBy: manual.id });

    const error = await refusal(tracker.issue({ ...who, commandType: 'switch', origin: 'automatic' }));
    expect(error).toMatchObject({ kind: 'conflict', code: 'COMMAND_OUTRANKED', details: { command_id: manual.id, priority: 75 } });

    // Unrelated work is not in conflict with a switch.
    await tracker.issue({ ...who, commandType: 'cleanup', origin: 'automatic' });
    expect(await tracker.countPending({ agentId: who.agentId })).toBe(2);
    expect((await tracker.claimNext(who.agentId, 1))[0].id).toBe(manual.id);
    expect(await eventsOf(automatic.id)).toEqual(['command.issued', 'command.superseded']);
  });

  it('replaces a pending command with a newer one of the same priority', async () => {
    const who = await newAgent();
    const older = await tracker.issue({ ...who, commandType: 'switch', origin: 'automatic', payload: { pool_id: 'a' } });
    const newer = await tracker.issue({ ...who, commandType: 'switch', origin: 'automatic', payload: { pool_id: 'b' } });
    expect((await tracker.findById(older.id))?.status).toBe('superseded');
    expect((await tracker.openFor(who.agentId)).map((c) => c.id)).toEqual([newer.id]);
  });

  it('holds placement commands while one executes, except emergencies', async () => {
    const who = await newAgent();
    const manual = await tracker.issue({ ...who, commandType: 'switch', origin: 'manual' });
    await tracker.claimNext(who.agentId);
    expect(await refusal(tracker.issue({ ...who, commandType: 'switch', origin: 'automatic' }))).toMatchObject({ code: 'COMMAND_IN_PROGRESS' });
    expect(await refusal(tracker.issue({ ...who, commandType: 'switch', origin: 'manual' }))).toMatchObject({ code: 'COMMAND_IN_PROGRESS' });
    const emergency = await tracker.issue({ ...who, commandType: 'emergency-launch', origin: 'emergency' });
    expect((await tracker.claimNext(who.agentId)).map((c) => c.id)).toEqual([emergency.id]);
    expect((await tracker.findById(manual.id))?.status).toBe('executing');
  });

  it('queues a command once per idempotency key, also when retries race', async () => {
    const who = await newAgent();
    const input = { ...who, commandType: 'launch-replica', origin: 'emergency' as const, idempotencyKey: 'rebalance-i-1' };
    const [a, b, c] = await Promise.all([tracker.issue(input), tracker.issue(input), tracker.issue(input)]);
    expect(new Set([a.id, b.id, c.id]).size).toBe(1);
    expect((await tracker.issue(input)).id).toBe(a.id);
    expect(await tracker.countPending({ agentId: who.agentId })).toBe(1);
  });

  it('records results once, with timings; repeated reports change nothing', async () => {
    const who = await newAgent();
    const command = await tracker.issue({ ...who, commandType: 'switch', origin: 'manual' });
    expect(await refusal(tracker.recordExecution(who.agentId, command.id, { success: true }))).toMatchObject({ code: 'COMMAND_NOT_CLAIMED' });
    await tracker.claimNext(who.agentId);
    clock.advanceSeconds(42);
    const receipt = await tracker.recordExecution(who.agentId, command.id, { success: true, result: { new_instance_id: 'i-new' } });
    expect(receipt.alreadyRecorded).toBe(false);
    expect(receipt.command).toMatchObject({ status: 'completed', executionDurationMs: 42_000, result: { new_instance_id: 'i-new' } });
    const again = await tracker.recordExecution(who.agentId, command.id, { success: false, errorMessage: 'retry' });
    expect(again).toMatchObject({ alreadyRecorded: true, command: { status: 'completed' } });

    const other = await newAgent();
    expect(await refusal(tracker.recordExecution(other.agentId, command.id, { success: true }))).toMatchObject({ kind: 'not_found', code: 'COMMAND_NOT_FOUND' });

    const failing = await tracker.issue({ ...who, commandType: 'cleanup', origin: 'automatic' });
    await tracker.claimNext(who.agentId);
    const failed = await tracker.recordExecution(who.agentId, failing.id, { success: false, errorMessage: 'AMI quota exceeded', durationMs: 1234 });
    expect(failed.command).toMatchObject({ status: 'failed', errorMessage: 'AMI quota exceeded', executionDurationMs: 1234 });
    expect(await eventsOf(command.id)).toEqual(['command.issued', 'command.claimed', 'command.completed']);
    expect(await eventsOf(failing.id)).toEqual(['command.issued', 'command.claimed', 'command.failed']);
  });

  it('expires commands nobody claimed in time, and claimed ones nobody reported', async () => {
    const who = await newAgent();
    const stale = await tracker.issue({ ...who, commandType: 'switch', origin: 'automatic', ttlSeconds: 60 });
    const running = await tracker.issue({ ...who, commandType: 'cleanup', origin: 'manual' });
    await tracker.claimNext(who.agentId, 1); // the manual cleanup
    clock.advanceSeconds(61);
    expect(await tracker.claimNext(who.agentId)).toEqual([]); // the stale switch is not handed out
    expect((await tracker.findById(stale.id))?.status).toBe('expired');

    clock.advanceSeconds(EXECUTION_TIMEOUT_SECONDS);
    expect(await tracker.expireStale()).toBeGreaterThanOrEqual(1);
    expect(await tracker.findById(running.id)).toMatchObject({ status: 'expired' });
    // The agent did run it after all: its late report is still recorded.
    const late = await tracker.recordExecution(who.agentId, running.id, { success: true });
    expect(late.command.status).toBe('completed');
    expect(await refusal(tracker.recordExecution(who.agentId, stale.id, { success: true }))).toMatchObject({ code: 'COMMAND_NOT_CLAIMED' });
    expect(await eventsOf(stale.id)).toEqual(['command.issued', 'command.expired']);
    expect(await eventsOf(running.id)).toEqual(['command.issued', 'command.claimed', 'command.expired', 'command.completed']);
  });

  it('lets a stale higher-priority command expire instead of blocking a new one', async () => {
    const who = await newAgent();
    const manual = await tracker.issue({ ...who, commandType: 'switch', origin: 'manual', ttlSeconds: 30 });
    clock.advanceSeconds(31);
    const automatic = await tracker.issue({ ...who, commandType: 'switch', origin: 'automatic' });
    expect((await tracker.findById(manual.id))?.status).toBe('expired');
    expect((await tracker.claimNext(who.agentId)).map((c) => c.id)).toEqual([automatic.id]);
  });

  it('refuses results too large to keep', async () => {
    const who = await newAgent();
    const command = await tracker.issue({ ...who, commandType: 'cleanup', origin: 'manual' });
    await tracker.claimNext(who.agentId);
    const huge = { log: 'x'.repeat(20_000) };
    expect(await refusal(tracker.recordExecution(who.agentId, command.id, { success: true, result: huge }))).toMatchObject({ kind: 'invalid', code: 'JSON_TOO_LARGE', details: { fields: [{ field: 'result' }] } });
    expect((await tracker.findById(command.id))?.status).toBe('executing');
  });

  it('refuses an unknown origin', async () => {
    const who = await newAgent();
    expect(await refusal(tracker.issue({ ...who, commandType: 'switch', origin: 'robot' as never }))).toMatchObject({ kind: 'invalid', code: 'INVALID_COMMAND' });
  });
});
