import { mkdtempSync } from 'node:fs';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InstanceCatalog } from '@spot/catalog';
import { ContinuityCloud, FixedMarket, ImdsServer, SimulatedCloud } from '@spot/cloud';
import { HookRunner } from '@spot/continuity';
import { ManualClock, StructuredLogger } from '@spot/core';
import { ApiActor, startTestApi, TestApi, TestDatabase } from '@spot/testing';
import { ControlPlaneClient, ImdsClient, ImdsInstanceIdentitySource, IntervalOverrides, ManualTimers, SpotAgent } from '../../src';

/** A simulated region, its IMDS, and agents on its instances talking to a real API over HTTP. */
export class FleetHarness {
  readonly market: FixedMarket;
  readonly cloud: SimulatedCloud;
  readonly imds: ImdsServer;
  readonly timers: ManualTimers;
  readonly catalog = InstanceCatalog.fromDirectory();
  readonly logLines: string[] = [];
  readonly logger: StructuredLogger;
  readonly stateDir = mkdtempSync(join(tmpdir(), 'spot-agent-'));
  baseImage = '';
  apiUrl = '';

  constructor(readonly clock: ManualClock) {
    const t0 = new Date(clock.nowMs() - 86_400_000);
    this.market = new FixedMarket([
      { instanceType: 'm5.large', az: 'eu-west-1a', price: 0.045, timestamp: t0 },
      { instanceType: 'm5.large', az: 'eu-west-1b', price: 0.041, timestamp: t0 },
      { instanceType: 'm5.large', az: 'eu-west-1c', price: 0.05, timestamp: t0 },
      { instanceType: 'm5a.large', az: 'eu-west-1b', price: 0.03, timestamp: t0 },
      { instanceType: 'm6i.large', az: 'eu-west-1a', price: 0.06, timestamp: t0 },
    ]);
    this.logger = new StructuredLogger({ clock, sink: (line) => this.logLines.push(line) });
    this.cloud = new SimulatedCloud({ clock, market: this.market, region: 'eu-west-1', seed: 42, bootMs: 40_000, imageMs: 50_000, shutdownMs: 5_000, logger: this.logger });
    this.imds = new ImdsServer((id) => this.cloud.metadata(id), clock);
    this.timers = new ManualTimers(clock);
  }

  async start(api: TestApi): Promise<void> {
    await this.imds.start();
    await api.app.listen(0, '127.0.0.1');
    this.apiUrl = `http://127.0.0.1:${((api.app.getHttpServer() as Server).address() as AddressInfo).port}`;
    this.baseImage = this.cloud.registerImage('web-base');
  }

  async stop(): Promise<void> {
    await this.imds.stop();
  }

  async launch(mode: 'spot' | 'on-demand', instanceType: string, az: string): Promise<string> {
    const launched = await this.cloud.launchInstance({ instanceType, az, mode, imageId: this.baseImage, clientToken: `boot-${instanceType}-${az}-${this.clock.nowMs()}` });
    if (launched.dryRun) throw new Error('dry run');
    this.clock.advanceSeconds(60);
    return launched.value.instanceId;
  }

  /** The agent process of one instance (IMDS at its own endpoint). */
  agentOn(
    instanceId: string,
    clientToken: string,
    logicalAgentId: string,
    options: {
      apiUrl?: string;
      safeModeAfterSeconds?: number;
      rebalanceAlwaysReplica?: boolean;
      dryRun?: boolean;
      imds?: ImdsServer;
      imdsUrl?: string;
      intervals?: IntervalOverrides;
      timers?: ManualTimers;
      /** Target groups, addresses, volumes (issue 14); hooks and the replica sync interval with them. */
      continuity?: ContinuityCloud;
      hooks?: HookRunner;
      replicaSyncIntervalMs?: number;
    } = {},
  ): SpotAgent {
    // imdsUrl: a server that may be stopped right now (an IMDS outage); its address is known anyway.
    const imds = new ImdsClient(options.imdsUrl ? `${options.imdsUrl}/${instanceId}` : (options.imds ?? this.imds).endpointFor(instanceId), this.clock);
    const apiUrl = options.apiUrl ?? this.apiUrl;
    return new SpotAgent({
      settings: {
        apiUrl,
        clientToken,
        logicalAgentId,
        stateDir: join(this.stateDir, instanceId),
        safeModeAfterSeconds: options.safeModeAfterSeconds,
        rebalanceAlwaysReplica: options.rebalanceAlwaysReplica,
        dryRun: options.dryRun,
        intervals: options.intervals,
      },
      imds,
      identity: new ImdsInstanceIdentitySource(imds),
      client: new ControlPlaneClient(apiUrl, fetch, 5000),
      cloud: this.cloud,
      catalog: this.catalog,
      clock: this.clock,
      logger: this.logger,
      timers: options.timers ?? this.timers,
      pollMs: 5000,
      ...(options.continuity ? { continuity: options.continuity, cutoverPollMs: 1000 } : {}),
      ...(options.hooks ? { hooks: options.hooks } : {}),
      ...(options.replicaSyncIntervalMs ? { replicaSyncIntervalMs: options.replicaSyncIntervalMs } : {}),
    });
  }
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A real API on the database, a simulated region with IMDS, and a signed-up client: one test file's world. */
export interface FleetWorld {
  api: TestApi;
  fleet: FleetHarness;
  client: { clientId: string; userToken: string; clientToken: string };
  close(): Promise<void>;
}

export async function openFleetWorld(database: TestDatabase, clock: ManualClock, org: string, email: string): Promise<FleetWorld> {
  const api = await startTestApi(database, { clock });
  const fleet = new FleetHarness(clock);
  await fleet.start(api);
  const client = await new ApiActor(api).signup(org, email);
  return {
    api,
    fleet,
    client,
    close: async () => {
      await fleet.stop();
      await api.close();
    },
  };
}
