import { DynamicModule, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { StructuredLogger } from '@spot/core';
import { AgentSettings, InstanceIdentitySource } from './agent-settings';
import { AgentRuntime } from './agent-runtime';
import { ControlPlaneClient } from './control-plane.client';

class AgentLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(private readonly runtime: AgentRuntime) {}

  onApplicationBootstrap(): void {
    this.runtime.start();
  }

  onApplicationShutdown(): void {
    this.runtime.stop();
  }
}

/** The agent as a Nest standalone application: its ports are providers, so tests swap them. */
@Module({})
export class AgentModule {
  static forRoot(settings: AgentSettings, identity: InstanceIdentitySource, logger: StructuredLogger): DynamicModule {
    return {
      module: AgentModule,
      providers: [
        { provide: StructuredLogger, useValue: logger },
        { provide: InstanceIdentitySource, useValue: identity },
        { provide: ControlPlaneClient, useFactory: () => new ControlPlaneClient(settings.apiUrl) },
        {
          provide: AgentRuntime,
          inject: [InstanceIdentitySource, ControlPlaneClient, StructuredLogger],
          useFactory: (source: InstanceIdentitySource, client: ControlPlaneClient, log: StructuredLogger) => new AgentRuntime(settings, source, client, log),
        },
        { provide: AgentLifecycle, inject: [AgentRuntime], useFactory: (runtime: AgentRuntime) => new AgentLifecycle(runtime) },
      ],
      exports: [AgentRuntime],
    };
  }
}
