import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixedMarket, ImdsServer, SimulatedCloud } from '@spot/cloud';
import { ManualClock } from '@spot/core';
import { ApiActor, createTestDatabase, startTestApi, TestApi, TestDatabase } from '@spot/testing';

const ROOT = join(__dirname, '..', '..', '..');

/** A port nothing listens on (yet): connections to it are refused. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The output of a child process, with an event-driven wait for a line. */
class Output {
  text = '';
  private waiters: Array<() => void> = [];

  constructor(child: ChildProcess) {
    const take = (chunk: Buffer) => {
      this.text += chunk.toString('utf8');
      for (const wake of this.waiters.splice(0)) wake();
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    child.on('exit', () => {
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  async until(test: (text: string) => boolean, child: ChildProcess): Promise<void> {
    while (!test(this.text)) {
      if (child.exitCode !== null) throw new Error(`the agent exited (${child.exitCode}):\n${this.text}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}

/**
 * The real agent entry (apps/agent/src/main.ts) as its own process, started before IMDS answers
 * (issue 13: it used to exit with a raw stack trace saying only "fetch failed"). It must say
 * plainly what is wrong, keep retrying, and carry on to register once IMDS is up.
 */
describe('agent start-up while IMDS is unreachable', () => {
  let database: TestDatabase;
  let api: TestApi;
  let imds: ImdsServer;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    api = await startTestApi(database, { clock: new ManualClock(new Date().toISOString()) });
    await api.app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    await imds?.stop();
    await api?.close();
    await database?.dispose();
  });

  it('names the refused connection, retries without a stack trace, and registers once IMDS answers', async () => {
    const clock = new ManualClock(new Date().toISOString());
    const cloud = new SimulatedCloud({ clock, market: new FixedMarket([]), region: 'eu-west-1', seed: 7, bootMs: 1000 });
    const launched = await cloud.launchInstance({ instanceType: 'm5.large', az: 'eu-west-1a', mode: 'on-demand', imageId: cloud.registerImage('base'), clientToken: 'startup-1' });
    if (launched.dryRun) throw new Error('dry run');
    clock.advanceSeconds(5);
    const instanceId = launched.value.instanceId;
    const { clientToken } = await new ApiActor(api).signup('Startup Co', 'ops@startup.test');
    const imdsPort = await freePort();
    const apiUrl = `http://127.0.0.1:${((api.app.getHttpServer() as Server).address() as AddressInfo).port}`;
    const dir = mkdtempSync(join(tmpdir(), 'spot-agent-start-'));
    child = spawn(process.execPath, ['-r', join(__dirname, 'support', 'ts-register.js'), '-e', `require(${JSON.stringify(join(ROOT, 'apps/agent/src/main.ts'))})`], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        CLIENT_TOKEN: clientToken,
        CENTRAL_SERVER_URL: apiUrl,
        SPOT_LOGICAL_AGENT_ID: 'startup-1',
        SPOT_AGENT_STATE_DIR: join(dir, 'state'),
        AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${imdsPort}/${instanceId}`,
        // No AWS here: EC2 calls (the pricing loop) fail fast instead of reaching out.
        AWS_ENDPOINT_URL: `http://127.0.0.1:${await freePort()}`,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_REGION: 'eu-west-1',
        CLEANUP_INTERVAL_HOURS: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = new Output(child);
    const waiting = (text: string) => text.split('\n').filter((l) => l.includes('[IDENTITY] [WAITING]'));

    await output.until((text) => waiting(text).length >= 2, child); // it retried
    const [first] = waiting(output.text);
    expect(first).toContain(`IMDS unreachable at http://127.0.0.1:${imdsPort}/${instanceId}: connection refused (ECONNREFUSED)`);
    expect(first).toMatch(/retrying in 5s/);
    expect(output.text).not.toMatch(/^\s+at /m); // no stack trace
    expect(child.exitCode).toBeNull();

    imds = new ImdsServer((id) => cloud.metadata(id), clock);
    await imds.start(imdsPort);
    await output.until((text) => text.includes('[REGISTER] [SUCCESS]'), child);
    const [row] = await api.dataSource.query("SELECT instance_id FROM agents WHERE logical_agent_id = 'startup-1'");
    expect(row.instance_id).toBe(instanceId);
    expect(output.text).not.toMatch(/^\s+at /m);
  });
});
