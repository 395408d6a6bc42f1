import { readdirSync } from 'node:fs';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ImdsServer } from '@spot/cloud';
import { ManualClock } from '@spot/core';
import { AgentEntity } from '@spot/persistence';
import { ApiActor, createTestDatabase, startTestApi, TestApi, TestDatabase } from '@spot/testing';
import { ManualTimers, ReportQueue, SpotAgent } from '../src';
import { bearer, FleetHarness } from './support/fleet-harness';

/** Seeded randomness (mulberry32), so a failing soak can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SOAK_HOURS = Number(process.env.SOAK_HOURS ?? 24);
const SEED = Number(process.env.SOAK_SEED ?? 13);
/** The driver moves time this far at once: the 5 s notice loop then runs once a step (its latency is agent-loops-e2e.spec.ts's subject, not this one's). */
const STEP_SECONDS = 15;
const LOGICAL_IDS = ['soak-1', 'soak-2', 'soak-3', 'soak-4', 'soak-5'];
const POOLS = ['m5.large.eu-west-1a', 'm5.large.eu-west-1b', 'm5.large.eu-west-1c', 'm5a.large.eu-west-1b'];

/**
 * Issue 13's soak in virtual time: a 5-instance simulated fleet for 24 h with random agent
 * restarts, control-plane outages (the API process stops and starts again on the same port and
 * database), IMDS outages, force-switches and spot interruptions (failover to an emergency replica,
 * whose agent is then restarted like any other), with the real agent code and the real API. The
 * agents boot on every instance that comes up (as the AMI's unit would) and stop with it. At the
 * end every workload runs on exactly one primary, no instance is left running that no workload
 * owns, and no report was lost or refused. SQLite only: this exercises the agents, not the dialect
 * (the database suites run both).
 */
describe(`agent soak: ${SOAK_HOURS} h of restarts and outages across 5 instances`, () => {
  let database: TestDatabase;
  let api: TestApi | undefined;
  let port: number;
  let fleet: FleetHarness;
  let imds: ImdsServer;
  let imdsPort: number;
  const clock = new ManualClock('2026-11-24T00:00:00.000Z');
  const timers = new ManualTimers(clock, false);
  const agents = new Map<string, { agent: SpotAgent; logicalId: string; booted: boolean }>();
  const logicalOf = new Map<string, string>(); // instance → logical agent id (tags say it for launched ones)

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    api = await startTestApi(database, { clock });
    fleet = new FleetHarness(clock);
    imds = new ImdsServer((id) => fleet.cloud.metadata(id), clock);
    imdsPort = Number(new URL(await imds.start()).port);
    await fleet.start(api);
    port = Number(new URL(fleet.apiUrl).port);
  });
  afterAll(async () => {
    for (const { agent } of agents.values()) await agent.shutdown(10).catch(() => undefined);
    await imds?.stop();
    await fleet?.stop();
    await api?.close();
    await database?.dispose();
  });

  it('ends with every workload on exactly one primary, no orphaned instance and no lost report', async () => {
    const rand = random(SEED);
    const { clientToken, clientId } = await new ApiActor(api!).signup('Soak Inc', 'ops@soak.test');
    const counts = { restarts: 0, apiOutages: 0, imdsOutages: 0, switchesAsked: 0, switchesDone: 0, interruptions: 0 };

    const spawnAgent = (instanceId: string, logicalId: string) => {
      const agent = fleet.agentOn(instanceId, clientToken, logicalId, { imdsUrl: `http://127.0.0.1:${imdsPort}`, timers, intervals: { heartbeat: 300, pricing: 1800, commands: 120, interruptions: 5 } });
      agents.set(instanceId, { agent, logicalId, booted: false });
    };
    /** What systemd does: (re)start the agent of every running instance until its boot succeeds; stop it with its instance. */
    const superviseAgents = async () => {
      for (const instance of fleet.cloud.listInstances()) {
        const logicalId = logicalOf.get(instance.instanceId) ?? instance.tags['spot-optimizer:agent'];
        if (instance.state === 'running' && logicalId && !agents.has(instance.instanceId)) spawnAgent(instance.instanceId, logicalId);
        const entry = agents.get(instance.instanceId);
        if (!entry) continue;
        if (instance.state !== 'running' && instance.state !== 'pending') {
          await entry.agent.shutdown(10).catch(() => undefined);
          agents.delete(instance.instanceId);
        } else if (!entry.booted) {
          try {
            await entry.agent.boot();
            entry.agent.start();
            entry.booted = true;
          } catch {
            // the API or IMDS is away: systemd's restart tries again
          }
        }
      }
    };
    const step = async () => {
      clock.advanceSeconds(STEP_SECONDS);
      await timers.settle(120_000);
      await superviseAgents();
    };

    // The fleet: five on-demand instances, auto-terminate on with the default 300 s wait.
    for (const [i, logicalId] of LOGICAL_IDS.entries()) {
      const instanceId = await fleet.launch('on-demand', 'm5.large', `eu-west-1${'abc'[i % 3]}`);
      logicalOf.set(instanceId, logicalId);
    }
    await superviseAgents();
    await api!.dataSource.getRepository(AgentEntity).update({ clientId }, { autoTerminateEnabled: true, terminateWaitSeconds: 300, configVersion: 2 });

    let apiBackAt = 0;
    let imdsBackAt = 0;
    const end = clock.nowMs() + SOAK_HOURS * 3600_000;
    while (clock.nowMs() < end) {
      const now = clock.nowMs();
      // Control-plane outage: about every 3 h, 1–10 min.
      if (api && rand() < STEP_SECONDS / (3 * 3600)) {
        await api.close();
        api = undefined;
        apiBackAt = now + (60 + rand() * 540) * 1000;
        counts.apiOutages += 1;
      } else if (!api && now >= apiBackAt) {
        api = await startTestApi(database, { clock });
        await api.app.listen(port, '127.0.0.1');
        expect(((api.app.getHttpServer() as Server).address() as AddressInfo).port).toBe(port);
      }
      // IMDS outage: about every 2 h, 1–5 min.
      if (imdsBackAt === 0 && rand() < STEP_SECONDS / (2 * 3600)) {
        await imds.stop();
        imdsBackAt = now + (60 + rand() * 240) * 1000;
        counts.imdsOutages += 1;
      } else if (imdsBackAt && now >= imdsBackAt) {
        await imds.start(imdsPort);
        imdsBackAt = 0;
      }
      // An agent restart (systemd, crash, upgrade): about every 40 min somewhere in the fleet.
      if (agents.size && rand() < STEP_SECONDS / (40 * 60)) {
        const [instanceId, entry] = [...agents.entries()][Math.floor(rand() * agents.size)];
        await entry.agent.shutdown(10).catch(() => undefined);
        spawnAgent(instanceId, entry.logicalId);
        counts.restarts += 1;
      }
      // A force-switch of a random workload: about every 90 min.
      if (api && rand() < STEP_SECONDS / (90 * 60)) {
        const userToken = await new ApiActor(api).login('ops@soak.test', 'password-123');
        const list = await api.http().get(`/api/client/${clientId}/instances`).set(bearer(userToken));
        const active = (list.body.items ?? []) as Array<{ id: string; current_pool_id: string | null }>;
        const target = active[Math.floor(rand() * active.length)];
        if (target) {
          const pool = POOLS.filter((p) => p !== target.current_pool_id)[Math.floor(rand() * (POOLS.length - 1))];
          const forced = await api.http().post(`/api/client/instances/${target.id}/force-switch`).set(bearer(userToken)).set('Idempotency-Key', randomUUID()).send({ target: 'pool', pool_id: pool });
          if (forced.status === 201) counts.switchesAsked += 1;
        }
      }
      // A spot interruption of a workload's current instance: about every 4 h (notice → failover → promotion).
      if (api && rand() < STEP_SECONDS / (4 * 3600)) {
        const rows: Array<{ instance_id: string }> = await api.dataSource.query('SELECT instance_id FROM agents WHERE client_id = ?', [clientId]);
        const spot = fleet.cloud.listInstances().filter((i) => i.mode === 'spot' && i.state === 'running' && rows.some((r) => r.instance_id === i.instanceId));
        const victim = spot[Math.floor(rand() * spot.length)];
        if (victim) {
          fleet.cloud.scheduleInterruption(victim.instanceId, { actionAt: new Date(now + 120_000) });
          counts.interruptions += 1;
        }
      }
      await step();
    }

    // Calm: everything up for 30 minutes, so queues drain and terminate waits end.
    if (!api) {
      api = await startTestApi(database, { clock });
      await api.app.listen(port, '127.0.0.1');
    }
    if (imdsBackAt) await imds.start(imdsPort);
    for (let s = 0; s < 1800 / STEP_SECONDS; s++) await step();

    const rows: Array<{ id: string; logical_agent_id: string; instance_id: string }> = await api.dataSource.query('SELECT id, logical_agent_id, instance_id FROM agents WHERE client_id = ?', [clientId]);
    expect(rows.map((r) => r.logical_agent_id).sort()).toEqual(LOGICAL_IDS);
    const running = fleet.cloud.listInstances().filter((i) => i.state === 'running' || i.state === 'pending');
    for (const row of rows) {
      // Exactly one primary per workload, on the instance the control plane has for it.
      const primaries = [...agents.entries()].filter(([, e]) => e.logicalId === row.logical_agent_id && e.booted && e.agent.currentRole === 'primary');
      expect({ workload: row.logical_agent_id, primaries: primaries.map(([id]) => id) }).toEqual({ workload: row.logical_agent_id, primaries: [row.instance_id] });
      expect(running.map((i) => i.instanceId)).toContain(row.instance_id);
    }
    // No orphaned instance: every running instance is a workload's current one.
    expect(running.map((i) => i.instanceId).sort()).toEqual(rows.map((r) => r.instance_id).sort());
    // No lost report: every queue (also on the disks of terminated instances) is empty, nothing was refused.
    for (const dir of readdirSync(fleet.stateDir)) {
      for (const file of readdirSync(join(fleet.stateDir, dir)).filter((f) => f.startsWith('reports-') && f.endsWith('.jsonl'))) {
        expect({ file: `${dir}/${file}`, queued: new ReportQueue(join(fleet.stateDir, dir, file), randomUUID).size }).toEqual({ file: `${dir}/${file}`, queued: 0 });
      }
    }
    expect(fleet.logLines.filter((l) => l.includes('[REPORT-DROPPED]'))).toEqual([]);
    const [{ n: switches }] = await api.dataSource.query('SELECT COUNT(*) AS n FROM switches s JOIN agents a ON a.id = s.agent_id WHERE a.client_id = ? AND s.success = ?', [clientId, true]);
    counts.switchesDone = Number(switches);
    process.stdout.write(`soak ${SOAK_HOURS} h seed ${SEED}: ${JSON.stringify(counts)}\n`);
    // The chaos really happened (about half the expected rates at least).
    const least = (perHour: number) => Math.floor(SOAK_HOURS * perHour);
    expect(counts.restarts).toBeGreaterThanOrEqual(least(0.75));
    expect(counts.apiOutages).toBeGreaterThanOrEqual(least(1 / 6));
    expect(counts.imdsOutages).toBeGreaterThanOrEqual(least(1 / 4));
    expect(counts.switchesDone).toBeGreaterThanOrEqual(least(1 / 6));
  }, 30 * 60_000);
});
