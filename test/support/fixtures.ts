import { DataSource } from 'typeorm';
import { newAgentRow } from '@spot/identity';
import { AgentEntity, ClientEntity, InstanceEntity, insertRow, SpotInterruptionEventEntity } from '@spot/persistence';

let fixtureCounter = 0;
const next = () => (fixtureCounter += 1).toString(16).padStart(12, '0');

/**
 * A client with one agent (and its active instance) written straight to the tables, for lib
 * tests that need rows to point at without going through the API.
 */
export async function insertClientWithAgent(
  dataSource: DataSource,
  at: Date,
  overrides: { agent?: Partial<AgentEntity>; client?: Partial<ClientEntity> } = {},
): Promise<{ client: ClientEntity; agent: AgentEntity; instance: InstanceEntity }> {
  const n = next();
  const client: ClientEntity = {
    id: `c0000000-0000-4000-8000-${n}`,
    name: `Client ${n}`,
    email: `client-${n}@fixtures.test`,
    clientTokenHash: `hash-${n}`.padEnd(64, '0'),
    clientTokenHint: n.slice(-4),
    plan: 'free',
    maxAgents: 50,
    maxInstances: 100,
    isActive: true,
    totalSavings: 0,
    createdAt: at,
    updatedAt: at,
    ...overrides.client,
  };
  const instanceId = `i-${n.padStart(17, '0')}`;
  const agent = newAgentRow({ id: `a0000000-0000-4000-8000-${n}`, clientId: client.id, logicalAgentId: `agent-${n}` }, at, {
    instanceId,
    instanceType: 'm5.large',
    region: 'eu-west-1',
    az: 'eu-west-1a',
    currentMode: 'on-demand',
    status: 'online',
    lastHeartbeatAt: at,
    ...overrides.agent,
  });
  const instance: InstanceEntity = {
    id: `b0000000-0000-4000-8000-${n}`,
    instanceId: agent.instanceId ?? instanceId,
    clientId: client.id,
    agentId: agent.id,
    instanceType: agent.instanceType ?? 'm5.large',
    region: agent.region ?? 'eu-west-1',
    az: agent.az ?? 'eu-west-1a',
    currentMode: agent.currentMode,
    currentPoolId: agent.currentPoolId,
    spotPrice: null,
    ondemandPrice: null,
    isActive: true,
    installedAt: at,
    lastSwitchAt: null,
    replacedAt: null,
    terminatedAt: null,
    terminateAfter: null,
    createdAt: at,
    updatedAt: at,
  };
  await insertRow(dataSource.manager, ClientEntity, client);
  await insertRow(dataSource.manager, AgentEntity, agent);
  await insertRow(dataSource.manager, InstanceEntity, instance);
  return { client, agent, instance };
}

/**
 * A recorded interruption signal (as the sentinel writes it) for tests that need history in
 * spot_interruption_events: a termination notice detected at `at`, answered by monitoring.
 */
export function interruptionEventRow(
  event: { id: string; clientId: string; agentId: string; instanceId: string; poolId: string; at: Date },
  overrides: Partial<SpotInterruptionEventEntity> = {},
): SpotInterruptionEventEntity {
  return {
    id: event.id,
    clientId: event.clientId,
    agentId: event.agentId,
    instanceId: event.instanceId,
    poolId: event.poolId,
    signalType: 'termination-notice',
    dedupKey: `dedup-${event.id}`,
    instanceAction: 'terminate',
    actionTime: new Date(event.at.getTime() + 120_000),
    actionAt: null,
    detectedAt: event.at,
    reportedBy: 'primary',
    riskScore: null,
    responseAction: 'monitor',
    replicaId: null,
    commandId: null,
    failoverCompleted: false,
    failoverTimeMs: null,
    success: null,
    errorMessage: null,
    metadata: null,
    createdAt: event.at,
    updatedAt: event.at,
    ...overrides,
  };
}
