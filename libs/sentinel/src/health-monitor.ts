import { DataSource } from 'typeorm';
import { Clock, IdGenerator } from '@spot/core';
import { AgentRegistry } from '@spot/identity';
import { NotificationService } from '@spot/notifications';
import { AgentEntity, AgentHealthMetricEntity, insertRow, isUniqueViolation } from '@spot/persistence';

/** Seed 001: an agent silent for 10 minutes is offline. */
export const OFFLINE_AFTER_MS = 10 * 60_000;

export interface HeartbeatMetrics {
  /** The heartbeat's report_id: one sample per id. */
  reportId?: string | null;
  instanceId?: string | null;
  cpuPercent?: number;
  memoryPercent?: number;
  diskPercent?: number;
  uptimeSeconds?: number;
}

/**
 * Sentinel health monitor: stores the health figures of each heartbeat (agent_health_metrics),
 * marks agents offline after 10 minutes of silence (job every 5 minutes) and tells the client
 * about every status change. Owns agent_health_metrics.
 */
export class HealthMonitor {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: AgentRegistry,
    private readonly notifications: NotificationService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /** True when the heartbeat with this report id has been stored already (a re-send). */
  async hasSample(agentId: string, reportId: string): Promise<boolean> {
    return (await this.dataSource.getRepository(AgentHealthMetricEntity).countBy({ agentId, reportId })) > 0;
  }

  /** After identity accepted a heartbeat: keep its figures, and announce a return online. */
  async heartbeatReceived(agent: AgentEntity, previousHeartbeatAt: Date | null, cameOnline: boolean, metrics: HeartbeatMetrics): Promise<void> {
    const now = this.clock.now();
    try {
      await this.storeSample(agent, previousHeartbeatAt, metrics, now);
    } catch (error) {
      // A copy of the same heartbeat, arriving at the same moment, stored its sample first.
      if (metrics.reportId && isUniqueViolation(error)) return;
      throw error;
    }
    if (cameOnline) {
      await this.notifications.notify({
        clientId: agent.clientId,
        agentId: agent.id,
        category: 'agent-status',
        severity: 'info',
        title: `${agent.logicalAgentId} is back online`,
        message: `Agent ${agent.logicalAgentId} sent a heartbeat again and is online`,
        metadata: { status: 'online' },
      });
    }
  }

  private async storeSample(agent: AgentEntity, previousHeartbeatAt: Date | null, metrics: HeartbeatMetrics, now: Date): Promise<void> {
    await insertRow(this.dataSource.manager, AgentHealthMetricEntity, {
      id: this.ids.uuid(),
      clientId: agent.clientId,
      agentId: agent.id,
      instanceId: metrics.instanceId ?? agent.instanceId,
      reportId: metrics.reportId ?? null,
      recordedAt: now,
      cpuPercent: metrics.cpuPercent ?? null,
      memoryPercent: metrics.memoryPercent ?? null,
      diskPercent: metrics.diskPercent ?? null,
      uptimeSeconds: metrics.uptimeSeconds ?? null,
      heartbeatIntervalMs: previousHeartbeatAt ? now.getTime() - previousHeartbeatAt.getTime() : null,
      status: 'online',
      metadata: null,
    });
  }

  /** The 5-minute sweep: agents silent for 10 minutes go offline, each with a notification. */
  async markSilentAgentsOffline(): Promise<number> {
    const cutoff = new Date(this.clock.nowMs() - OFFLINE_AFTER_MS);
    const marked = await this.registry.markSilentAgentsOffline(cutoff);
    for (const agent of marked) {
      await this.notifications.notify({
        clientId: agent.clientId,
        agentId: agent.id,
        category: 'agent-status',
        severity: 'warning',
        title: `${agent.logicalAgentId} is offline`,
        message: `No heartbeat from ${agent.logicalAgentId} since ${agent.lastHeartbeatAt?.toISOString() ?? 'its registration'}`,
        metadata: { status: 'offline', last_heartbeat_at: agent.lastHeartbeatAt?.toISOString() ?? null },
      });
    }
    return marked.length;
  }

  /** The agent's recent health figures, newest first. */
  recentMetrics(agentId: string, limit = 60): Promise<AgentHealthMetricEntity[]> {
    return this.dataSource.getRepository(AgentHealthMetricEntity).find({ where: { agentId }, order: { recordedAt: 'DESC', id: 'DESC' }, take: limit });
  }
}
