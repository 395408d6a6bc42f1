import { DynamicModule, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InstanceCatalog } from '@spot/catalog';
import { CloudProvider, ContinuityCloud } from '@spot/cloud';
import { Clock, StructuredLogger } from '@spot/core';
import { AgentSettings, InstanceIdentitySource } from './agent-settings';
import { ControlPlaneClient } from './control-plane.client';
import { ImdsClient } from './imds-client';
import { REAL_TIMERS, SpotAgent } from './spot-agent';

/** Between boot attempts the API is asked GET /health this often, so a boot after an outage waits seconds, not a minute. */
const BOOT_PROBE_MS = 5_000;

/** Boots the agent (registering with back-off while the control plane is away), then runs its loops. */
class AgentLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly agent: SpotAgent,
    private readonly client: ControlPlaneClient,
    private readonly logger: StructuredLogger,
  ) {}

  onApplicationBootstrap(): void {
    const attempt = async (failures: number) => {
      if (this.stopped) return;
      try {
        await this.agent.boot();
        this.agent.start();
      } catch (error) {
        const delayMs = Math.min(60_000, 1000 * 2 ** Math.min(failures + 1, 6));
        this.logger.event({ level: 'warn', component: 'CORE-AGENT', action: 'BOOT', result: 'FAILURE', message: `${error instanceof Error ? error.message : String(error)}; retrying in ${Math.round(delayMs / 1000)}s` });
        this.waitThen(delayMs, () => attempt(failures + 1));
      }
    };
    void attempt(0);
  }

  /** Waits `delayMs`, or less once the API answers /health again. */
  private waitThen(delayMs: number, next: () => Promise<void>): void {
    const due = Date.now() + delayMs;
    const tick = async () => {
      if (this.stopped) return;
      if (Date.now() >= due || (await this.client.health())) return void next();
      this.retry = setTimeout(() => void tick(), Math.min(BOOT_PROBE_MS, Math.max(0, due - Date.now())));
    };
    this.retry = setTimeout(() => void tick(), Math.min(BOOT_PROBE_MS, delayMs));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.agent.shutdown();
  }
}

export interface AgentPorts {
  identity: InstanceIdentitySource;
  imds: ImdsClient;
  cloud: CloudProvider;
  /** ELBv2, EIP, Route 53, EBS and ENI (docs/continuity.md). */
  continuity?: ContinuityCloud;
  /** REPLICA_SYNC_INTERVAL in ms. */
  replicaSyncIntervalMs?: number;
  catalog: InstanceCatalog;
  clock: Clock;
  logger: StructuredLogger;
}

/** The agent as a Nest standalone application: its ports are providers, so tests and the demo swap them. */
@Module({})
export class AgentModule {
  static forRoot(settings: AgentSettings, ports: AgentPorts): DynamicModule {
    return {
      module: AgentModule,
      providers: [
        { provide: StructuredLogger, useValue: ports.logger },
        { provide: ControlPlaneClient, useFactory: () => new ControlPlaneClient(settings.apiUrl) },
        {
          provide: SpotAgent,
          inject: [ControlPlaneClient],
          useFactory: (client: ControlPlaneClient) => new SpotAgent({ settings, client, timers: REAL_TIMERS, ...ports }),
        },
        {
          provide: AgentLifecycle,
          inject: [SpotAgent, ControlPlaneClient, StructuredLogger],
          useFactory: (agent: SpotAgent, client: ControlPlaneClient, logger: StructuredLogger) => new AgentLifecycle(agent, client, logger),
        },
      ],
      exports: [SpotAgent],
    };
  }
}
