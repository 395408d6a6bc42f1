import { GrowthDayDto, InterruptionResponseDto, JobRunDto, NotificationDto, ReplicaCreatedDto, ReplicaDto, ReplicaPromotedDto, SystemHealthDto } from '@spot/contracts';
import { ClientDailySnapshotEntity, NotificationEntity, ReplicaInstanceEntity, SchedulerJobRunEntity } from '@spot/persistence';
import { CreatedReplica, PromotionResult } from '@spot/replicas';
import { SignalOutcome, SystemHealth } from '@spot/sentinel';

/** Sentinel, replicas and notifications → wire DTOs, field by field. */

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function toReplica(replica: ReplicaInstanceEntity): ReplicaDto {
  return {
    id: replica.id,
    agent_id: replica.agentId,
    replica_type: replica.replicaType,
    status: replica.status,
    pool_id: replica.poolId,
    instance_type: replica.instanceType,
    az: replica.az,
    instance_id: replica.instanceId,
    parent_instance_id: replica.parentInstanceId,
    hourly_price: replica.hourlyPrice,
    sync_status: replica.syncStatus,
    sync_progress: replica.stateTransferProgress,
    sync_latency_ms: replica.syncLatencyMs,
    created_by: replica.createdBy,
    is_active: replica.isActive,
    created_at: replica.createdAt.toISOString(),
    ready_at: iso(replica.readyAt),
    promoted_at: iso(replica.promotedAt),
    terminated_at: iso(replica.terminatedAt),
  };
}

export function toReplicaCreated(created: CreatedReplica): ReplicaCreatedDto {
  return { ...toReplica(created.replica), command_id: created.commandId, placement_tier: created.placement.tier };
}

export function toReplicaPromoted(result: PromotionResult): ReplicaPromotedDto {
  return {
    replica: toReplica(result.replica),
    command_id: result.commandId,
    switch_id: result.switchId,
    next_replica: result.nextReplica ? toReplica(result.nextReplica) : null,
  };
}

export function toInterruption({ event, duplicate }: SignalOutcome): InterruptionResponseDto {
  return {
    event_id: event.id,
    signal_type: event.signalType,
    instance_id: event.instanceId,
    pool_id: event.poolId,
    response_action: event.responseAction,
    risk_score: event.riskScore,
    replica_id: event.replicaId,
    command_id: event.commandId,
    failover_completed: event.failoverCompleted,
    failover_time_ms: event.failoverTimeMs,
    success: event.success,
    duplicate,
    queued: event.responseAction === 'queued',
    detected_at: event.detectedAt.toISOString(),
  };
}

export function toNotification(n: NotificationEntity): NotificationDto {
  return {
    id: n.id,
    agent_id: n.agentId,
    category: n.category,
    severity: n.severity,
    title: n.title,
    message: n.message,
    is_read: n.isRead,
    read_at: iso(n.readAt),
    created_at: n.createdAt.toISOString(),
  };
}

function toJobRun(run: SchedulerJobRunEntity): JobRunDto {
  return {
    job: run.jobName,
    last_status: run.lastStatus,
    last_message: run.lastMessage,
    last_started_at: run.lastStartedAt.toISOString(),
    last_finished_at: run.lastFinishedAt.toISOString(),
    last_duration_ms: run.lastDurationMs,
    run_count: run.runCount,
    failure_count: run.failureCount,
    last_failure_at: iso(run.lastFailureAt),
  };
}

export function toSystemHealth(health: SystemHealth): SystemHealthDto {
  return {
    status: health.status,
    time: health.time.toISOString(),
    database: {
      status: health.database.status,
      dialect: health.database.dialect,
      latency_ms: health.database.latencyMs,
      pending_migrations: health.database.pendingMigrations,
      ...(health.database.error ? { error: health.database.error } : {}),
    },
    jobs: health.jobs.map(toJobRun),
    agents: health.agents,
    pending_commands: health.pendingCommands,
    queued_emergencies: health.queuedEmergencies,
  };
}

export function toGrowthDay(day: ClientDailySnapshotEntity): GrowthDayDto {
  return {
    date: String(day.snapshotDate).slice(0, 10),
    total_clients: day.totalClients,
    active_clients: day.activeClients,
    new_clients: day.newClients,
    total_agents: day.totalAgents,
    active_instances: day.activeInstances,
  };
}
