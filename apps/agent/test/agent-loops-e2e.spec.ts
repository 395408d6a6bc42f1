import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { CommandTracker } from '@spot/command-tracker';
import { ImdsServer } from '@spot/cloud';
import { ManualClock } from '@spot/core';
import { ApiActor, describeEachDatabase, startTestApi, TestApi } from '@spot/testing';
import { FleetHarness } from './support/fleet-harness';

/** The clock time of the first log line that contains `text` (log lines start with the injected clock's ISO time). */
const firstLogAt = (lines: string[], text: string): number | undefined => {
  const line = lines.find((l) => l.includes(text));
  return line ? Date.parse(line.slice(0, 24)) : undefined;
};

/**
 * The agent's loops in virtual time, against the real API and the simulated cloud's IMDS over
 * HTTP (issue 13): failures of one dependency must not slow the others down. IMDS notices are
 * read every ≤ 5 s whatever failed before; after a control-plane outage, heartbeats and command
 * polls resume within a few seconds of the API answering /health, not after a minute's back-off.
 */
describeEachDatabase('agent loops after failures', (db) => {
  let api: TestApi;
  let port: number;
  let fleet: FleetHarness;
  let clientToken: string;
  const clock = new ManualClock('2026-11-24T12:00:00.000Z');

  const listen = async (target: TestApi, on = 0) => {
    await target.app.listen(on, '127.0.0.1');
    return ((target.app.getHttpServer() as Server).address() as AddressInfo).port;
  };
  /** Moves virtual time one second at a time, letting every loop's due round finish. */
  const runFor = async (seconds: number, until?: () => boolean | Promise<boolean>) => {
    for (let s = 0; s < seconds; s++) {
      if (until && (await until())) return;
      clock.advanceSeconds(1);
      await fleet.timers.settle();
    }
  };

  beforeAll(async () => {
    api = await startTestApi(db(), { clock });
    fleet = new FleetHarness(clock);
    await fleet.start(api);
    port = ((api.app.getHttpServer() as Server).address() as AddressInfo).port;
    clientToken = (await new ApiActor(api).signup('Loops Ltd', 'ops@loops.test')).clientToken;
  });
  afterAll(async () => {
    await fleet?.stop();
    await api?.close();
  });

  it('keeps reading IMDS notices every ≤ 5 s after IMDS failed for 90 s, so the 2-minute notice is seen at once', async () => {
    const imds = new ImdsServer((id) => fleet.cloud.metadata(id), clock);
    const imdsPort = Number(new URL(await imds.start()).port);
    const instanceId = await fleet.launch('spot', 'm5.large', 'eu-west-1a');
    const agent = fleet.agentOn(instanceId, clientToken, 'notice-1', { imds, intervals: { interruptions: 5 } });
    await agent.boot();
    agent.start();
    await fleet.timers.settle();

    await imds.stop(); // IMDS away (a restart of the metadata service, a firewall rule …)
    await runFor(90);
    const failures = fleet.logLines.filter((l) => l.includes('[INTERRUPTIONS] [FAILURE]'));
    expect(failures.length).toBeGreaterThanOrEqual(15); // one every 5 s, no back-off
    expect(failures.every((l) => l.includes('next try in 5s'))).toBe(true);
    expect(failures.at(-1)).toContain(`IMDS unreachable at http://127.0.0.1:${imdsPort}/${instanceId}: connection refused (ECONNREFUSED)`);
    await imds.start(imdsPort);
    const noticeAt = clock.nowMs();
    fleet.cloud.scheduleInterruption(instanceId, { actionAt: new Date(noticeAt + 120_000) });
    await runFor(30, () => fleet.logLines.some((l) => l.includes('[TERMINATION-NOTICE] [DETECTED]')));
    const seenAt = firstLogAt(fleet.logLines, '[TERMINATION-NOTICE] [DETECTED]');
    expect(seenAt).toBeDefined();
    expect(seenAt! - noticeAt).toBeLessThanOrEqual(5_000);
    await agent.shutdown(100);
    await imds.stop();
  });

  it('resumes heartbeats and command polls ≤ 5 s after the API is back from a 60 s outage', async () => {
    const instanceId = await fleet.launch('spot', 'm5.large', 'eu-west-1c');
    const agent = fleet.agentOn(instanceId, clientToken, 'resume-1', { intervals: { heartbeat: 60, commands: 30 } });
    const { agentId } = await agent.boot();
    agent.start();
    await fleet.timers.settle();

    await api.close();
    await runFor(60);
    expect(fleet.logLines.some((l) => l.includes('[HEARTBEAT] [FAILURE]') && /next try in (16|32|60)s/.test(l))).toBe(true);

    api = await startTestApi(db(), { clock });
    expect(await listen(api, port)).toBe(port);
    const backAt = clock.nowMs();
    const [row] = await api.dataSource.query('SELECT client_id FROM agents WHERE id = ?', [agentId]);
    const command = await api.app.get(CommandTracker).issue({ clientId: row.client_id, agentId, commandType: 'cleanup', origin: 'manual', payload: { retention_days: 7, keep_latest: 2 } });
    const heartbeatAt = async () => {
      const [agentRow] = await api.dataSource.query('SELECT last_heartbeat_at FROM agents WHERE id = ?', [agentId]);
      return agentRow.last_heartbeat_at ? new Date(agentRow.last_heartbeat_at + (typeof agentRow.last_heartbeat_at === 'string' && !agentRow.last_heartbeat_at.endsWith('Z') ? 'Z' : '')).getTime() : 0;
    };
    const claimed = async () => (await api.dataSource.query('SELECT status FROM commands WHERE id = ?', [command.id]))[0].status !== 'pending';
    const resumedAt: { heartbeat?: number; commands?: number } = {};
    await runFor(60, async () => {
      if (resumedAt.heartbeat === undefined && (await heartbeatAt()) >= backAt) resumedAt.heartbeat = clock.nowMs();
      if (resumedAt.commands === undefined && (await claimed())) resumedAt.commands = clock.nowMs();
      return resumedAt.heartbeat !== undefined && resumedAt.commands !== undefined;
    });
    expect(resumedAt.heartbeat! - backAt).toBeLessThanOrEqual(5_000);
    expect(resumedAt.commands! - backAt).toBeLessThanOrEqual(5_000);
    await agent.shutdown(100);
  });
});
