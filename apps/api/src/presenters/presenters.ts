import { toContinuityDto } from './continuity-presenters';
import {
  CleanupLogDto,
  AdminClientDto,
  AgentConfigDto,
  AgentSummaryDto,
  ClientBaseDto,
  ClientInfoDto,
  InstanceDto,
  TokenResponseDto,
} from '@spot/contracts';
import { Page } from '@spot/core';
import { AgentConfig, agentConfigOf, ClientSummary, ClientWithAgentCount, displayHint, IssuedUserToken } from '@spot/identity';
import { AgentEntity, CleanupLogEntity, ClientEntity, InstanceEntity, UserRole } from '@spot/persistence';

/** Entities and domain results → wire DTOs. Written out field by field on purpose. */

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function pageOf<T, U>(page: Page<T>, map: (item: T) => U): { items: U[]; total: number; limit: number; offset: number } {
  return { items: page.items.map(map), total: page.total, limit: page.limit, offset: page.offset };
}

export function toTokenResponse(token: IssuedUserToken, role: UserRole): TokenResponseDto {
  return {
    access_token: token.token,
    token_type: 'Bearer',
    expires_in: token.ttlSeconds,
    expires_at: token.expiresAt.toISOString(),
    role,
  };
}

function toClientBase(client: ClientEntity): ClientBaseDto {
  return {
    id: client.id,
    name: client.name,
    email: client.email,
    plan: client.plan,
    is_active: client.isActive,
    client_token_hint: displayHint(client.clientTokenHint),
    created_at: client.createdAt.toISOString(),
  };
}

/** `totalSavings` is derived on read (SavingsLedger.totalFor); clients.total_savings is only a daily cache. */
export function toAdminClient(client: ClientEntity, agentCount: number, totalSavings: number): AdminClientDto {
  return {
    ...toClientBase(client),
    max_agents: client.maxAgents,
    max_instances: client.maxInstances,
    agent_count: agentCount,
    total_savings: totalSavings,
  };
}

export const toAdminClientRow =
  (totals: Map<string, number>) =>
  (row: ClientWithAgentCount): AdminClientDto =>
    toAdminClient(row.client, row.agentCount, totals.get(row.client.id) ?? 0);

export function toClientInfo(summary: ClientSummary, totalSavings: number): ClientInfoDto {
  const { client } = summary;
  return {
    ...toClientBase(client),
    limits: { max_agents: client.maxAgents, max_instances: client.maxInstances },
    totals: {
      agents: summary.agents,
      agents_online: summary.agentsOnline,
      instances_active: summary.instancesActive,
      instances_terminated: summary.instancesInactive,
      total_savings: totalSavings,
    },
  };
}

export function toAgentConfig(config: AgentConfig): AgentConfigDto {
  return {
    agent_id: config.agentId,
    logical_agent_id: config.logicalAgentId,
    enabled: config.enabled,
    auto_switch_enabled: config.autoSwitchEnabled,
    auto_terminate_enabled: config.autoTerminateEnabled,
    terminate_wait_seconds: config.terminateWaitSeconds,
    auto_replica_enabled: config.autoReplicaEnabled,
    manual_replica_enabled: config.manualReplicaEnabled,
    config_version: config.configVersion,
    intervals: {
      heartbeat_seconds: config.intervals.heartbeatSeconds,
      pricing_report_seconds: config.intervals.pricingReportSeconds,
      command_poll_seconds: config.intervals.commandPollSeconds,
      interruption_poll_seconds: config.intervals.interruptionPollSeconds,
    },
    continuity: toContinuityDto(config.continuity ?? null),
  };
}

export function toAgentSummary(agent: AgentEntity): AgentSummaryDto {
  return {
    id: agent.id,
    logical_agent_id: agent.logicalAgentId,
    status: agent.status,
    enabled: agent.enabled,
    hostname: agent.hostname,
    agent_version: agent.agentVersion,
    instance_id: agent.instanceId,
    instance_type: agent.instanceType,
    region: agent.region,
    az: agent.az,
    current_mode: agent.currentMode,
    current_pool_id: agent.currentPoolId,
    last_heartbeat_at: iso(agent.lastHeartbeatAt),
    auto_switch_enabled: agent.autoSwitchEnabled,
    auto_terminate_enabled: agent.autoTerminateEnabled,
    terminate_wait_seconds: agent.terminateWaitSeconds,
    auto_replica_enabled: agent.autoReplicaEnabled,
    manual_replica_enabled: agent.manualReplicaEnabled,
    replica_count: agent.replicaCount,
    continuity: toContinuityDto(agentConfigOf(agent).continuity),
    created_at: agent.createdAt.toISOString(),
  };
}

export function toInstance(instance: InstanceEntity): InstanceDto {
  return {
    id: instance.id,
    instance_id: instance.instanceId,
    agent_id: instance.agentId,
    instance_type: instance.instanceType,
    region: instance.region,
    az: instance.az,
    current_mode: instance.currentMode,
    current_pool_id: instance.currentPoolId,
    spot_price: instance.spotPrice,
    ondemand_price: instance.ondemandPrice,
    is_active: instance.isActive,
    installed_at: instance.installedAt.toISOString(),
    last_switch_at: iso(instance.lastSwitchAt),
    replaced_at: iso(instance.replacedAt),
    terminated_at: iso(instance.terminatedAt),
  };
}

export function toCleanupLog(entry: CleanupLogEntity): CleanupLogDto {
  return {
    id: entry.id,
    agent_id: entry.agentId,
    cleanup_type: entry.cleanupType,
    amis_deleted: entry.amisDeleted,
    snapshots_deleted: entry.snapshotsDeleted,
    bytes_freed: entry.bytesFreed === null ? null : Number(entry.bytesFreed),
    retention_days: entry.retentionDays,
    success: entry.success,
    error_message: entry.errorMessage,
    details: entry.details,
    started_at: entry.startedAt.toISOString(),
    completed_at: entry.completedAt ? entry.completedAt.toISOString() : null,
    created_at: entry.createdAt.toISOString(),
  };
}
