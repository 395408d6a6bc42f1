import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { StructuredLogger } from '@spot/core';
import { ApiActor, describeEachDatabase, startTestApi, TestApi } from '@spot/testing';
import { AgentRuntime } from '../src/agent-runtime';
import { AgentSettingsError, EnvInstanceIdentitySource, InstanceIdentity, InstanceIdentitySource, readAgentSettings } from '../src/agent-settings';
import { ControlPlaneClient, ControlPlaneError } from '../src/control-plane.client';

class MovableIdentity extends InstanceIdentitySource {
  constructor(public instance: InstanceIdentity) {
    super();
  }

  async read(): Promise<InstanceIdentity> {
    return this.instance;
  }
}

describeEachDatabase('agent runtime against the real API', (db) => {
  let api: TestApi;
  let baseUrl: string;
  let clientToken: string;
  const logLines: string[] = [];
  const logger = new StructuredLogger({ sink: (line) => logLines.push(line) });

  beforeAll(async () => {
    api = await startTestApi(db());
    await api.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${((api.app.getHttpServer() as Server).address() as AddressInfo).port}`;
    const actor = new ApiActor(api);
    clientToken = (await actor.createClient(await actor.adminToken(), { name: 'Agent Co' })).clientToken;
  });

  afterAll(async () => api?.close());

  const identity = () =>
    new MovableIdentity({ instanceId: 'i-0123456789abcdef0', instanceType: 'c5.large', region: 'eu-west-1', az: 'eu-west-1b', mode: 'spot', hostname: 'web-7' });

  it('registers, heartbeats, and keeps its agent id after moving to a new instance', async () => {
    const source = identity();
    const runtime = new AgentRuntime({ apiUrl: baseUrl, clientToken, logicalAgentId: 'web-7' }, source, new ControlPlaneClient(baseUrl), logger);
    const first = await runtime.register();
    expect(first.config.intervals.heartbeat_seconds).toBe(60);
    expect(await runtime.heartbeat()).toEqual({ configChanged: false, replaced: false, safeMode: false });

    source.instance = { ...source.instance, instanceId: 'i-0123456789abcdef1', az: 'eu-west-1c' };
    const moved = await runtime.register();
    expect(moved.agentId).toBe(first.agentId);
    const [row] = await api.dataSource.query('SELECT instance_id, az FROM agents WHERE id = ?', [first.agentId]);
    expect(row).toEqual({ instance_id: 'i-0123456789abcdef1', az: 'eu-west-1c' });
  });

  it('registers again when its token is revoked, and fetches the configuration when its version changes', async () => {
    const runtime = new AgentRuntime({ apiUrl: baseUrl, clientToken, logicalAgentId: 'worker-2' }, identity(), new ControlPlaneClient(baseUrl), logger);
    const session = await runtime.register();
    await api.dataSource.query('UPDATE agents SET token_version = token_version + 1, config_version = 2, terminate_wait_seconds = 60 WHERE id = ?', [session.agentId]);
    expect(await runtime.heartbeat()).toBeUndefined();
    expect(runtime.current?.agentToken).not.toBe(session.agentToken);
    expect(runtime.current?.config).toMatchObject({ config_version: 2, terminate_wait_seconds: 60 });

    await api.dataSource.query('UPDATE agents SET config_version = 3, auto_switch_enabled = ? WHERE id = ?', [false, session.agentId]);
    expect(await runtime.heartbeat()).toEqual({ configChanged: true, replaced: false, safeMode: false });
    expect(runtime.current?.config).toMatchObject({ config_version: 3, auto_switch_enabled: false });
  });

  it('reports a refused client token as a clear, permanent error', async () => {
    const runtime = new AgentRuntime({ apiUrl: baseUrl, clientToken: 'spc_' + 'z'.repeat(40), logicalAgentId: 'x' }, identity(), new ControlPlaneClient(baseUrl), logger);
    const error: ControlPlaneError = await runtime.register().then(() => { throw new Error('registered'); }, (e) => e);
    expect(error).toBeInstanceOf(ControlPlaneError);
    expect(error).toMatchObject({ status: 401, code: 'INVALID_CLIENT_TOKEN', transient: false });
  });

  it('treats an unreachable control plane as transient', async () => {
    const client = new ControlPlaneClient('http://127.0.0.1:1', fetch, 2000);
    const error: ControlPlaneError = await client.register(clientToken, {} as never).then(() => { throw new Error('reached'); }, (e) => e);
    expect(error).toMatchObject({ status: 0, transient: true });
  });
});

describe('agent settings', () => {
  it('names every missing or malformed setting', () => {
    expect(() => readAgentSettings({ CENTRAL_SERVER_URL: 'not a url', CLIENT_TOKEN: 'abc' }, 'host')).toThrow(AgentSettingsError);
    try {
      readAgentSettings({ CENTRAL_SERVER_URL: 'not a url', CLIENT_TOKEN: 'abc', PRICING_INTERVAL: '0', SAFE_MODE: 'maybe' }, 'host');
    } catch (error) {
      expect((error as AgentSettingsError).problems).toEqual([
        expect.stringContaining('CENTRAL_SERVER_URL'),
        expect.stringContaining('CLIENT_TOKEN'),
        expect.stringContaining('PRICING_INTERVAL'),
        expect.stringContaining('SAFE_MODE'),
      ]);
    }
    expect(readAgentSettings({ CLIENT_TOKEN: 'spc_abc' }, 'web-9')).toEqual({
      apiUrl: 'http://localhost:8000',
      clientToken: 'spc_abc',
      logicalAgentId: 'web-9',
      intervals: {},
      stateDir: '/var/lib/spot-agent',
      dryRun: false,
      safeModeAfterSeconds: 900,
      rebalanceAlwaysReplica: false,
      cleanup: { intervalHours: 24, retentionDays: 7 },
    });
    expect(readAgentSettings({ CLIENT_TOKEN: 'spc_abc', HEARTBEAT_INTERVAL: '30', INTERRUPTION_CHECK_INTERVAL: '5', SAFE_MODE: 'true' }, 'w')).toMatchObject({
      intervals: { heartbeat: 30, interruptions: 5 },
      dryRun: true,
    });
  });

  it('checks the instance identity from the environment', async () => {
    await expect(new EnvInstanceIdentitySource({ SPOT_INSTANCE_ID: 'i-1', SPOT_REGION: 'eu-west-1', SPOT_AZ: 'us-east-1a' }, 'h').read()).rejects.toThrow(/SPOT_INSTANCE_ID[\s\S]*SPOT_INSTANCE_TYPE[\s\S]*SPOT_AZ/);
    await expect(
      new EnvInstanceIdentitySource({ SPOT_INSTANCE_ID: 'i-0123456789abcdef0', SPOT_INSTANCE_TYPE: 'm5.large', SPOT_REGION: 'eu-west-1', SPOT_AZ: 'eu-west-1a', SPOT_MODE: 'spot' }, 'h').read(),
    ).resolves.toMatchObject({ mode: 'spot', az: 'eu-west-1a' });
  });
});
