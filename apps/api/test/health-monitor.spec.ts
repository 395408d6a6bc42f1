import { INestApplicationContext } from '@nestjs/common';
import { ApiActor, bearer, describeEachDatabase, startTestApi, startTestScheduler, TestApi } from '@spot/testing';
import { GrowthSnapshotJob, HealthMonitorJob } from '../../scheduler/src/jobs/sentinel.jobs';
import { JobRunner } from '../../scheduler/src/job-runner';

/**
 * Health monitor, notifications, system health and growth across the two processes that share
 * the database: the scheduler runs the jobs, the API reports on them.
 */
describeEachDatabase('health monitor, notifications and system health', (db) => {
  let api: TestApi;
  let scheduler: INestApplicationContext;
  let actor: ApiActor;
  let admin: string;
  let tenant: { userToken: string; clientId: string; clientToken: string };
  let agent: { agentId: string; agentToken: string };

  beforeAll(async () => {
    api = await startTestApi(db());
    scheduler = await startTestScheduler(db(), api.clock);
    actor = new ApiActor(api);
    admin = await actor.adminToken();
    tenant = await actor.signup('Watch Co', 'ops@watch.test');
    agent = await actor.register(tenant.clientToken, { logical_agent_id: 'watched' });
  });

  afterAll(async () => {
    await scheduler?.close();
    await api?.close();
  });

  const notifications = (token = tenant.userToken, query = '') => api.http().get(`/api/notifications${query}`).set(bearer(token)).expect(200);

  it('stores heartbeat metrics, marks a silent agent offline after 10 minutes and back online on its next heartbeat, notifying both', async () => {
    api.clock.advanceSeconds(60);
    await api.http().post(`/api/agents/${agent.agentId}/heartbeat`).set(bearer(agent.agentToken)).send({ cpu_percent: 37.5, memory_percent: 61.25, uptime_seconds: 3600 }).expect(200);
    const [metric] = await api.dataSource.query('SELECT cpu_percent, memory_percent, uptime_seconds, heartbeat_interval_ms, status FROM agent_health_metrics WHERE agent_id = ?', [agent.agentId]);
    expect({ cpu: Number(metric.cpu_percent), mem: Number(metric.memory_percent), up: Number(metric.uptime_seconds), gap: Number(metric.heartbeat_interval_ms), status: metric.status }).toEqual({
      cpu: 37.5,
      mem: 61.25,
      up: 3600,
      gap: 60_000,
      status: 'online',
    });
    const bad = await api.http().post(`/api/agents/${agent.agentId}/heartbeat`).set(bearer(agent.agentToken)).send({ cpu_percent: 140 }).expect(400);
    expect(bad.body.details.fields[0].field).toBe('cpu_percent');

    api.clock.advanceSeconds(9 * 60);
    expect(await scheduler.get(HealthMonitorJob).run()).toEqual({ status: 'completed', summary: '0 agents marked offline' });
    api.clock.advanceSeconds(300); // the monitor's next 5-minute period (one run per period)
    expect(await scheduler.get(HealthMonitorJob).run()).toEqual({ status: 'completed', summary: '1 agent marked offline' });
    const agents = (await api.http().get(`/api/client/${tenant.clientId}/agents`).set(bearer(tenant.userToken)).expect(200)).body.items;
    expect(agents[0].status).toBe('offline');

    api.clock.advanceSeconds(5);
    await api.http().post(`/api/agents/${agent.agentId}/heartbeat`).set(bearer(agent.agentToken)).send({}).expect(200);
    const list = (await notifications()).body;
    expect(list.items.map((n: { category: string; title: string }) => [n.category, n.title])).toEqual([
      ['agent-status', 'watched is back online'],
      ['agent-status', 'watched is offline'],
    ]);
    expect(list.unread_count).toBe(2);
  });

  it('marks notifications read one by one or all at once, within the tenant only', async () => {
    const other = await actor.signup('Other Co', 'ops@other-watch.test');
    const [newest, older] = (await notifications()).body.items;
    await api.http().post(`/api/notifications/${newest.id}/read`).set(bearer(other.userToken)).expect(404);
    expect((await notifications(other.clientToken)).body).toMatchObject({ total: 0, unread_count: 0 });

    const read = await api.http().post(`/api/notifications/${newest.id}/read`).set(bearer(tenant.userToken)).expect(200);
    expect(read.body).toMatchObject({ id: newest.id, is_read: true, read_at: api.clock.now().toISOString() });
    expect((await notifications(tenant.clientToken, '?unread_only=true')).body).toMatchObject({ total: 1, unread_count: 1, items: [expect.objectContaining({ id: older.id })] });
    expect((await api.http().post('/api/notifications/read-all').set(bearer(tenant.userToken)).expect(200)).body).toEqual({ marked: 1 });
    expect((await notifications()).body.unread_count).toBe(0);
    await api.http().get('/api/notifications').set(bearer(agent.agentToken)).expect(401);
  });

  it("reports the database, each job's last run and outcome, agents online/offline and pending commands", async () => {
    await scheduler.get(JobRunner).run('always-fails', async () => {
      throw new Error('upstream down');
    });
    const res = await api.http().get('/api/admin/system-health').set(bearer(admin)).expect(200);
    expect(res.body).toMatchObject({
      status: 'degraded',
      database: { status: 'ok' },
      agents: { online: 1, offline: 0, total: 1 },
      pending_commands: 0,
      queued_emergencies: 0,
    });
    const jobs = Object.fromEntries(res.body.jobs.map((j: { job: string }) => [j.job, j]));
    expect(jobs['health-monitor']).toMatchObject({ last_status: 'completed', last_message: '1 agent marked offline', run_count: 2, failure_count: 0 });
    expect(jobs['always-fails']).toMatchObject({ last_status: 'failed', last_message: 'upstream down', failure_count: 1 });
    await api.http().get('/api/admin/system-health').set(bearer(tenant.userToken)).expect(403);
  });

  it('snapshots client growth daily at 00:05, backfilling every day since the first client', async () => {
    // Clients so far were created on 2026-11-24; two more on the next days.
    api.clock.set('2026-11-25T09:00:00Z');
    await actor.signup('Day Two', 'ops@day-two.test');
    api.clock.set('2026-11-26T09:00:00Z');
    await actor.signup('Day Three', 'ops@day-three.test');
    api.clock.set('2026-11-27T00:05:00Z');
    expect(await scheduler.get(GrowthSnapshotJob).run()).toEqual({ status: 'completed', summary: '3 days recorded (2026-11-24 … 2026-11-26)' });
    // The same day's period again (a second scheduler's firing): it does not run twice.
    expect(await scheduler.get(GrowthSnapshotJob).run()).toEqual({ status: 'skipped', reason: 'already ran this period' });
    admin = await actor.adminToken(); // the earlier token expired on the way
    const growth = await api.http().get('/api/admin/growth?days=7').set(bearer(admin)).expect(200);
    expect(growth.body.days).toEqual([
      { date: '2026-11-24', total_clients: 2, active_clients: 2, new_clients: 2, total_agents: 1, active_instances: 1 },
      { date: '2026-11-25', total_clients: 3, active_clients: 3, new_clients: 1, total_agents: 1, active_instances: 1 },
      { date: '2026-11-26', total_clients: 4, active_clients: 4, new_clients: 1, total_agents: 1, active_instances: 1 },
    ]);
    await api.http().get('/api/admin/growth?days=0').set(bearer(admin)).expect(400);
  });
});
