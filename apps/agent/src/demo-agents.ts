import { join } from 'node:path';
import { InstanceCatalog } from '@spot/catalog';
import { ImdsServer, SimulatedCloud, SimulatedContinuity } from '@spot/cloud';
import { Clock, StructuredLogger } from '@spot/core';
import type { AgentFactory } from '@spot/demo-fleet';
import { ImdsInstanceIdentitySource } from './agent-settings';
import { ControlPlaneClient } from './control-plane.client';
import { ImdsClient } from './imds-client';
import { AgentTimers, SpotAgent } from './spot-agent';

export interface DemoAgentPorts {
  apiUrl: string;
  cloud: SimulatedCloud;
  imds: ImdsServer;
  catalog: InstanceCatalog;
  clock: Clock;
  logger: StructuredLogger;
  timers: AgentTimers;
  /** Each instance's report queue goes in a directory of its own below this one. */
  stateDir: string;
  /**
   * Target groups, addresses and volumes of the simulated region (docs/continuity.md). Without
   * it, or without continuity settings on an agent, a switch moves only the instance.
   */
  continuity?: SimulatedContinuity;
}

/** The real agent on a simulated instance, reading that instance's IMDS: what the demo fleet runs. */
export function demoAgentFactory(ports: DemoAgentPorts): AgentFactory {
  return (instance, logicalAgentId, clientToken) => {
    const imds = new ImdsClient(ports.imds.endpointFor(instance.instanceId), ports.clock);
    return new SpotAgent({
      settings: {
        apiUrl: ports.apiUrl,
        clientToken,
        logicalAgentId,
        stateDir: join(ports.stateDir, instance.instanceId),
        // Faster than the production cadence, so that things happen within minutes.
        intervals: { heartbeat: 15, pricing: 20, commands: 5, interruptions: 2 },
        // Cautious demo workloads: every rebalance recommendation brings an emergency replica.
        rebalanceAlwaysReplica: true,
      },
      imds,
      identity: new ImdsInstanceIdentitySource(imds),
      client: new ControlPlaneClient(ports.apiUrl),
      cloud: ports.cloud,
      ...(ports.continuity ? { continuity: ports.continuity } : {}),
      catalog: ports.catalog,
      clock: ports.clock,
      logger: ports.logger,
      timers: ports.timers,
      pollMs: 2_000,
    });
  };
}
