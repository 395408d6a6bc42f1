import { AgentEntity } from '@spot/persistence';

/**
 * A new agent row with the product's defaults (seed 004 configuration toggles: auto-switch,
 * auto-terminate after 300 s, auto-replica on; manual replica off), not yet placed on an
 * instance. The one place those defaults live: registration, fixtures and benchmarks use it.
 */
export function newAgentRow(identity: { id: string; clientId: string; logicalAgentId: string }, at: Date, overrides: Partial<AgentEntity> = {}): AgentEntity {
  return {
    ...identity,
    hostname: null,
    agentVersion: null,
    instanceId: null,
    instanceType: null,
    region: null,
    az: null,
    currentMode: 'unknown',
    currentPoolId: null,
    status: 'offline',
    enabled: true,
    lastHeartbeatAt: null,
    lastFailoverAt: null,
    autoSwitchEnabled: true,
    autoTerminateEnabled: true,
    terminateWaitSeconds: 300,
    autoReplicaEnabled: true,
    manualReplicaEnabled: false,
    continuitySettings: null,
    replicaCount: 0,
    currentReplicaId: null,
    configVersion: 1,
    tokenVersion: 1,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}
