import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  AgentConfigDto,
  CleanupReportRequestDto,
  CleanupReportResponseDto,
  HeartbeatRequestDto,
  HeartbeatResponseDto,
  RegisterAgentRequestDto,
  RegisterAgentResponseDto,
} from '@spot/contracts';
import { Clock, SafeModeSwitch } from '@spot/core';
import { AgentPrincipal, AgentRegistry, CleanupLog, ClientPrincipal, Principal } from '@spot/identity';
import { AgentRoleRegistration } from '@spot/replicas';
import { HealthMonitor } from '@spot/sentinel';
import { AgentAuthGuard, ClientTokenGuard } from '../auth/guards';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { toAgentConfig, toCleanupLog } from '../presenters/presenters';
import { ApiStandardErrors, SECURITY } from './api-docs';

@ApiTags('agents')
@Controller('api/agents')
export class AgentsController {
  constructor(
    private readonly registry: AgentRegistry,
    private readonly registration: AgentRoleRegistration,
    private readonly health: HealthMonitor,
    private readonly cleanups: CleanupLog,
    private readonly clock: Clock,
    private readonly safeMode: SafeModeSwitch,
  ) {}

  /**
   * Registers an agent with the client token. The first call for a logical agent id mints the
   * agent; later calls (e.g. from the new instance after a switch) keep its id and move the
   * instance records. Answers an agent token valid for this agent only, and the role the control
   * plane gives this instance now: primary, replica (a live standby) or retired (the workload
   * has left this instance; it must stop, and goes at terminate_at).
   */
  @Post('register')
  @UseGuards(ClientTokenGuard)
  @ApiBearerAuth(SECURITY.client)
  @ApiCreatedResponse({ type: RegisterAgentResponseDto })
  @ApiStandardErrors('conflict')
  async registerAgent(@Body() body: RegisterAgentRequestDto, @CurrentPrincipal() principal: Principal): Promise<RegisterAgentResponseDto> {
    const clientId = (principal as ClientPrincipal).clientId;
    const result = await this.registration.register(
      clientId,
      {
        logicalAgentId: body.logical_agent_id,
        instanceId: body.instance_id,
        instanceType: body.instance_type,
        region: body.region,
        az: body.az,
        mode: body.mode,
        hostname: body.hostname,
        agentVersion: body.agent_version,
      },
      body.replica_id,
    );
    return {
      agent_id: result.agentId,
      agent_token: result.agentToken,
      created: result.created,
      instance_changed: result.instanceChanged,
      config: toAgentConfig(result.config),
      role: result.role,
      replica_id: result.replicaId,
      ...(result.role === 'retired' ? { retired_reason: result.retiredReason, terminate_at: result.terminateAt?.toISOString() ?? null } : {}),
    };
  }

  /**
   * Tells the control plane the agent is alive (every 60 s), with its health figures. A re-sent
   * `report_id` answers the agent's state and writes nothing; its sample is stored once.
   */
  @Post(':id/heartbeat')
  @HttpCode(200)
  @UseGuards(AgentAuthGuard)
  @ApiBearerAuth(SECURITY.agent)
  @ApiOkResponse({ type: HeartbeatResponseDto })
  @ApiStandardErrors('not_found')
  async recordHeartbeat(@Param('id') id: string, @Body() body: HeartbeatRequestDto): Promise<HeartbeatResponseDto> {
    const before = await this.registry.getAgent(id);
    if (body.report_id && (await this.health.hasSample(id, body.report_id))) return this.heartbeatAnswer(before, this.clock.now());
    const { agent, serverTime, cameOnline } = await this.registry.heartbeat(id, { instanceId: body.instance_id, agentVersion: body.agent_version });
    if (!body.instance_id || body.instance_id === agent.instanceId) {
      await this.health.heartbeatReceived(agent, before.lastHeartbeatAt, cameOnline, {
        reportId: body.report_id,
        instanceId: body.instance_id,
        cpuPercent: body.cpu_percent,
        memoryPercent: body.memory_percent,
        diskPercent: body.disk_percent,
        uptimeSeconds: body.uptime_seconds,
      });
    }
    return this.heartbeatAnswer(agent, serverTime);
  }

  private async heartbeatAnswer(agent: { id: string; status: string; configVersion: number; instanceId: string | null }, serverTime: Date): Promise<HeartbeatResponseDto> {
    return {
      safe_mode: await this.safeMode.isOn(),
      agent_id: agent.id,
      status: agent.status,
      config_version: agent.configVersion,
      current_instance_id: agent.instanceId,
      server_time: serverTime.toISOString(),
    };
  }

  /** The agent's settings and loop intervals. */
  @Get(':id/config')
  @UseGuards(AgentAuthGuard)
  @ApiBearerAuth(SECURITY.agent)
  @ApiOkResponse({ type: AgentConfigDto })
  @ApiStandardErrors('not_found')
  async getAgentConfig(@Param('id') id: string): Promise<AgentConfigDto> {
    return toAgentConfig(await this.registry.getConfig(id));
  }

  /**
   * What the agent's AMI/snapshot cleanup removed (seed 001 Cleanup Manager). The agent chooses
   * `report_id`: sending the same report again answers the first record.
   */
  @Post(':id/cleanup-report')
  @HttpCode(200)
  @UseGuards(AgentAuthGuard)
  @ApiBearerAuth(SECURITY.agent)
  @ApiOkResponse({ type: CleanupReportResponseDto })
  @ApiStandardErrors('not_found', 'conflict')
  async submitCleanupReport(@Param('id') id: string, @Body() body: CleanupReportRequestDto, @CurrentPrincipal() principal: Principal): Promise<CleanupReportResponseDto> {
    const recorded = await this.cleanups.record({
      reportId: body.report_id,
      clientId: (principal as AgentPrincipal).clientId,
      agentId: id,
      cleanupType: body.cleanup_type,
      amisDeleted: body.amis_deleted,
      snapshotsDeleted: body.snapshots_deleted,
      bytesFreed: body.bytes_freed,
      retentionDays: body.retention_days,
      success: body.success,
      errorMessage: body.error_message,
      details: body.details,
      startedAt: new Date(body.started_at),
      completedAt: body.completed_at ? new Date(body.completed_at) : null,
    });
    return { cleanup: toCleanupLog(recorded.entry), duplicate: recorded.duplicate };
  }
}
