import { DynamicModule, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InstanceCatalog } from '@spot/catalog';
import { CloudProvider } from '@spot/cloud';
import { Clock, StructuredLogger } from '@spot/core';
import { AgentSettings, InstanceIdentitySource } from './agent-settings';
import { ControlPlaneClient } from './control-plane.client';
import { ImdsClient } from './imds-client';
import { REAL_TIMERS, SpotAgent } from './spot-agent';

/** Boots the agent (registering with back-off while the control plane is away), then runs its loops. */
class AgentLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly agent: SpotAgent,
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
        this.retry = setTimeout(() => void attempt(failures + 1), delayMs);
      }
    };
    void attempt(0);
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
        { provide: AgentLifecycle, inject: [SpotAgent, StructuredLogger], useFactory: (agent: SpotAgent, logger: StructuredLogger) => new AgentLifecycle(agent, logger) },
      ],
      exports: [SpotAgent],
    };
  }
}
