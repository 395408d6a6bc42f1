import { randomUUID } from 'node:crypto';
import { ApiActor, bearer, describeEachDatabase, freshInstanceId, putSpotPrices, startTestApi, TestApi } from '@spot/testing';

/**
 * Issue 22, findings 3 and 4: every agent report is idempotent. A repeat — sent again after a
 * lost answer, or several copies at once (a retrying proxy, two agent processes) — answers the
 * first record with 200 and stores nothing twice.
 */
describeEachDatabase('agent reports are idempotent', (db) => {
  let api: TestApi;
  let actor: ApiActor;
  let clientToken: string;
  let clientId: string;
  let admin: string;

  beforeAll(async () => {
    api = await startTestApi(db());
    actor = new ApiActor(api);
    admin = await actor.adminToken();
    const client = await actor.createClient(admin, { name: 'Idempotent Co', max_agents: 50, max_instances: 200 });
    clientToken = client.clientToken;
    clientId = client.id;
    await putSpotPrices(api.dataSource, api.clock, [
      { instanceType: 'm5.large', az: 'eu-west-1a', price: 0.04 },
      { instanceType: 'm5.large', az: 'eu-west-1b', price: 0.045 },
    ]);
  });
  afterAll(async () => api?.close());

  const count = async (sql: string, params: unknown[]) => Number((await api.dataSource.query(sql, params))[0].n);
  const agent = async (name: string, mode: 'spot' | 'on-demand' = 'on-demand') => {
    const instanceId = freshInstanceId();
    const registered = await actor.register(clientToken, { logical_agent_id: name, instance_id: instanceId, mode });
    return { id: registered.agentId, token: registered.agentToken, instanceId };
  };
  const post = (path: string, token: string, body: object) => api.http().post(path).set(bearer(token)).send(body);
  const copies = <T>(n: number, send: () => Promise<T>) => Promise.all(Array.from({ length: n }, send));

  describe('switch reports', () => {
    it.each([
      ['without report_id', false],
      ['with report_id', true],
    ])('answers five concurrent copies of a successful report (%s) with the first record', async (_name, withReportId) => {
      const a = await agent(`switch-ok-${withReportId}`);
      const newInstance = freshInstanceId();
      const report = { ...(withReportId ? { report_id: randomUUID() } : {}), new_instance_id: newInstance, mode: 'on-demand', instance_type: 'm5.large', az: 'eu-west-1b', success: true };
      const answers = await copies(5, () => post(`/api/agents/${a.id}/switch-report`, a.token, report));
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(new Set(answers.map((r) => r.body.switch.id)).size).toBe(1);
      expect(answers.filter((r) => r.body.duplicate === false)).toHaveLength(1);
      expect(await count('SELECT COUNT(*) AS n FROM switches WHERE agent_id = ?', [a.id])).toBe(1);
      expect(await count('SELECT COUNT(*) AS n FROM instances WHERE instance_id = ?', [newInstance])).toBe(1);
      // And once more, later: the same record.
      const later = await post(`/api/agents/${a.id}/switch-report`, a.token, report).expect(200);
      expect(later.body).toMatchObject({ duplicate: true, switch: { id: answers[0].body.switch.id } });
    });

    it('answers five concurrent copies of the report of a switch command with the first record', async () => {
      const a = await agent('switch-command', 'spot');
      const instances = await api.http().get(`/api/client/${clientId}/instances`).set(bearer(admin)).expect(200);
      const record = instances.body.items.find((i: { agent_id: string }) => i.agent_id === a.id);
      await api.http().post(`/api/client/instances/${record.id}/force-switch`).set(bearer(admin)).send({ target: 'on-demand' }).expect(201);
      const claimed = await api.http().get(`/api/agents/${a.id}/pending-commands`).set(bearer(a.token)).expect(200);
      const commandId = claimed.body.commands[0].id;
      const newInstance = freshInstanceId();
      const report = { report_id: randomUUID(), command_id: commandId, old_instance_id: a.instanceId, new_instance_id: newInstance, mode: 'on-demand', success: true };
      const answers = await copies(5, () => post(`/api/agents/${a.id}/switch-report`, a.token, report));
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(new Set(answers.map((r) => r.body.switch.id)).size).toBe(1);
      expect(await count('SELECT COUNT(*) AS n FROM switches WHERE agent_id = ?', [a.id])).toBe(1);
      // A copy with a different report id for the same command is the same switch too.
      const other = await post(`/api/agents/${a.id}/switch-report`, a.token, { ...report, report_id: randomUUID() }).expect(200);
      expect(other.body).toMatchObject({ duplicate: true, switch: { id: answers[0].body.switch.id } });
    });

    it('stores a failed report without command_id once, however often and however concurrently it is sent', async () => {
      const a = await agent('switch-failed');
      const failed = { new_instance_id: a.instanceId, mode: 'spot', pool_id: 'm5.large.eu-west-1b', success: false, error_message: 'InsufficientInstanceCapacity', initiated_at: '2026-11-24T11:59:00.000Z' };
      for (let i = 0; i < 5; i += 1) expect((await post(`/api/agents/${a.id}/switch-report`, a.token, failed).expect(200)).body.duplicate).toBe(i > 0);
      const concurrent = { ...failed, initiated_at: '2026-11-24T11:59:30.000Z' };
      const answers = await copies(5, () => post(`/api/agents/${a.id}/switch-report`, a.token, concurrent));
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      const withId = { ...failed, report_id: randomUUID(), initiated_at: undefined };
      const byId = await copies(5, () => post(`/api/agents/${a.id}/switch-report`, a.token, withId));
      expect(new Set(byId.map((r) => r.body.switch.id)).size).toBe(1);
      // Three failures: the re-sent one, the concurrent one, the one with a report id.
      expect(await count('SELECT COUNT(*) AS n FROM switches WHERE agent_id = ? AND success = ?', [a.id, false])).toBe(3);
      const [agentRow] = await api.dataSource.query('SELECT instance_id FROM agents WHERE id = ?', [a.id]);
      expect(agentRow.instance_id).toBe(a.instanceId);
    });
  });

  it('stores one health sample per heartbeat report_id, and a re-send writes nothing', async () => {
    const a = await agent('beat');
    const samples = () => count('SELECT COUNT(*) AS n FROM agent_health_metrics WHERE agent_id = ?', [a.id]);
    const beat = { report_id: randomUUID(), instance_id: a.instanceId, cpu_percent: 12.5, uptime_seconds: 3600 };
    const answers = await copies(5, () => post(`/api/agents/${a.id}/heartbeat`, a.token, beat));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await samples()).toBe(1);
    const [first] = await api.dataSource.query('SELECT last_heartbeat_at FROM agents WHERE id = ?', [a.id]);
    api.clock.advanceSeconds(60);
    const again = await post(`/api/agents/${a.id}/heartbeat`, a.token, beat).expect(200);
    expect(again.body).toMatchObject({ agent_id: a.id, status: 'online', current_instance_id: a.instanceId });
    expect(await samples()).toBe(1);
    const [after] = await api.dataSource.query('SELECT last_heartbeat_at FROM agents WHERE id = ?', [a.id]);
    expect(after).toEqual(first);
    await post(`/api/agents/${a.id}/heartbeat`, a.token, { ...beat, report_id: randomUUID() }).expect(200);
    await post(`/api/agents/${a.id}/heartbeat`, a.token, { instance_id: a.instanceId }).expect(200);
    expect(await samples()).toBe(3);
  });

  it('applies a sync report once: a re-send answers the replica, also after it made the replica ready and promoted', async () => {
    // An emergency launch: its replica takes over as soon as it reports 100 %.
    const a = await agent('sync', 'spot');
    const notice = await post(`/api/agents/${a.id}/termination`, a.token, { instance_id: a.instanceId }).expect(200);
    expect(notice.body.response_action).toBe('emergency-launch');
    const replicaId = notice.body.replica_id;
    const replicaInstance = freshInstanceId();
    const reg = await api
      .http()
      .post('/api/agents/register')
      .set(bearer(clientToken))
      .send({ logical_agent_id: 'sync', instance_id: replicaInstance, instance_type: 'm5.large', region: 'eu-west-1', az: 'eu-west-1b', mode: 'spot', replica_id: replicaId })
      .expect(201);
    const token = reg.body.agent_token;
    const path = `/api/agents/${a.id}/replicas/${replicaId}/sync-status`;
    const half = { report_id: randomUUID(), progress: 50, latency_ms: 20 };
    const halves = await copies(3, () => post(path, token, half));
    expect(halves.map((r) => [r.status, r.body.status, r.body.sync_progress])).toEqual(Array(3).fill([200, 'syncing', 50]));
    const done = { report_id: randomUUID(), progress: 100 };
    const dones = await copies(3, () => post(path, token, done));
    expect(dones.map((r) => [r.status, r.body.status])).toEqual(Array(3).fill([200, 'promoted']));
    const later = await post(path, token, done).expect(200);
    expect(later.body).toMatchObject({ id: replicaId, status: 'promoted', sync_progress: 100 });
    expect(await count("SELECT COUNT(*) AS n FROM switches WHERE agent_id = ? AND event_trigger = 'automatic-interruption-failover'", [a.id])).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM commands WHERE agent_id = ? AND command_type = 'promote-replica'", [a.id])).toBe(1);
    // A new report to a promoted replica is still refused: only re-sends are answered.
    await post(path, token, { report_id: randomUUID(), progress: 100 }).expect(409);
  });

  it('records a cleanup report and a command result once under concurrent copies', async () => {
    const a = await agent('ops', 'spot');
    const cleanup = { report_id: randomUUID(), cleanup_type: 'full', amis_deleted: 2, snapshots_deleted: 2, bytes_freed: 1024, success: true, started_at: '2026-11-24T03:00:00.000Z' };
    const cleanups = await copies(5, () => post(`/api/agents/${a.id}/cleanup-report`, a.token, cleanup));
    expect(cleanups.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(cleanups.filter((r) => !r.body.duplicate)).toHaveLength(1);
    expect(await count('SELECT COUNT(*) AS n FROM cleanup_logs WHERE agent_id = ?', [a.id])).toBe(1);

    await post(`/api/agents/${a.id}/create-emergency-replica`, a.token, { instance_id: a.instanceId }).expect(200);
    const claimed = await api.http().get(`/api/agents/${a.id}/pending-commands`).set(bearer(a.token)).expect(200);
    const commandId = claimed.body.commands[0].id;
    const result = { report_id: randomUUID(), success: true, result: { replica_id: 'r' }, duration_ms: 1200 };
    const results = await copies(5, () => post(`/api/agents/${a.id}/commands/${commandId}/executed`, a.token, result));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(results.filter((r) => !r.body.already_recorded)).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.command.completed_at)).size).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM system_events WHERE event_type = 'command.completed' AND agent_id = ?", [a.id])).toBe(1);
  });
});
