import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  CreateReplicaRequestDto,
  PageQueryDto,
  PromoteReplicaRequestDto,
  ReplicaCreatedDto,
  ReplicaDto,
  ReplicaPageDto,
  ReplicaPromotedDto,
  ReplicaStatusRequestDto,
  ReplicaSyncRequestDto,
  UpdateReplicaRequestDto,
} from '@spot/contracts';
import { pageRequest } from '@spot/core';
import { Principal } from '@spot/identity';
import { ReplicaService } from '@spot/replicas';
import { AgentOrOwnerGuard } from '../auth/guards';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { pageOf } from '../presenters/presenters';
import { toReplica, toReplicaCreated, toReplicaPromoted } from '../presenters/sentinel.presenters';
import { ApiStandardErrors, SECURITY } from './api-docs';

/** Who did it, for created_by and the audit trail. */
export function actorOf(principal: Principal): string {
  if (principal.kind === 'user') return principal.email;
  if (principal.kind === 'agent') return `agent:${principal.agentId}`;
  return `client-token:${principal.clientId}`;
}

/**
 * The seed-002 replica routes of one agent: its people (portal) create, promote and delete
 * replicas; the replica's agent reports its instance, status and sync progress.
 */
@ApiTags('replicas')
@ApiBearerAuth(SECURITY.user)
@ApiBearerAuth(SECURITY.client)
@ApiBearerAuth(SECURITY.agent)
@UseGuards(AgentOrOwnerGuard)
@Controller('api/agents/:id/replicas')
export class ReplicasController {
  constructor(private readonly replicas: ReplicaService) {}

  /** Scenario 4: a standby replica, in `pool_id` or the cheapest allowed pool (never the current one). */
  @Post()
  @ApiCreatedResponse({ type: ReplicaCreatedDto })
  @ApiStandardErrors('not_found', 'conflict')
  async createReplica(@Param('id') id: string, @Body() body: CreateReplicaRequestDto, @CurrentPrincipal() principal: Principal): Promise<ReplicaCreatedDto> {
    const created = await this.replicas.createManual(id, { poolId: body.pool_id, excludeZones: body.exclude_zones, createdBy: body.created_by ?? actorOf(principal) });
    return toReplicaCreated(created);
  }

  /** The agent's replicas, newest first. */
  @Get()
  @ApiOkResponse({ type: ReplicaPageDto })
  @ApiStandardErrors('not_found')
  async listReplicas(@Param('id') id: string, @Query() query: PageQueryDto): Promise<ReplicaPageDto> {
    return pageOf(await this.replicas.listForAgent(id, {}, pageRequest(query.limit, query.offset)), toReplica);
  }

  /** Makes a ready replica the primary: same agent id, new instance; a switch is recorded. */
  @Post(':rid/promote')
  @HttpCode(200)
  @ApiOkResponse({ type: ReplicaPromotedDto })
  @ApiStandardErrors('not_found', 'conflict')
  async promoteReplica(@Param('id') id: string, @Param('rid') rid: string, @Body() body: PromoteReplicaRequestDto, @CurrentPrincipal() principal: Principal): Promise<ReplicaPromotedDto> {
    const by = actorOf(principal);
    const result = await this.replicas.promote(id, rid, { reason: 'manual-replica-promotion', origin: 'manual', demoteOldPrimary: body.demote_old_primary ?? false, by });
    return toReplicaPromoted(result);
  }

  /** Terminates an unused replica (the agent is asked to terminate its instance). */
  @Delete(':rid')
  @ApiOkResponse({ type: ReplicaDto })
  @ApiStandardErrors('not_found', 'conflict')
  async deleteReplica(@Param('id') id: string, @Param('rid') rid: string, @CurrentPrincipal() principal: Principal): Promise<ReplicaDto> {
    return toReplica(await this.replicas.remove(id, rid, actorOf(principal)));
  }

  /** The instance the replica runs on, once launched. */
  @Put(':rid')
  @ApiOkResponse({ type: ReplicaDto })
  @ApiStandardErrors('not_found', 'conflict')
  async updateReplica(@Param('id') id: string, @Param('rid') rid: string, @Body() body: UpdateReplicaRequestDto): Promise<ReplicaDto> {
    return toReplica(await this.replicas.updateInstance(id, rid, { instanceId: body.instance_id }));
  }

  /** A lifecycle step reported by the replica's agent (syncing, ready, failed, terminated). */
  @Post(':rid/status')
  @HttpCode(200)
  @ApiOkResponse({ type: ReplicaDto })
  @ApiStandardErrors('not_found', 'conflict')
  async updateReplicaStatus(@Param('id') id: string, @Param('rid') rid: string, @Body() body: ReplicaStatusRequestDto): Promise<ReplicaDto> {
    return toReplica(await this.replicas.updateStatus(id, rid, body.status, body.detail));
  }

  /** Sync progress (every 10 s): the first report means syncing, 100 % means ready. A re-sent report_id answers the replica unchanged. */
  @Post(':rid/sync-status')
  @HttpCode(200)
  @ApiOkResponse({ type: ReplicaDto })
  @ApiStandardErrors('not_found', 'conflict')
  async updateReplicaSyncStatus(@Param('id') id: string, @Param('rid') rid: string, @Body() body: ReplicaSyncRequestDto): Promise<ReplicaDto> {
    return toReplica(await this.replicas.updateSync(id, rid, { reportId: body.report_id, progress: body.progress, syncStatus: body.sync_status, latencyMs: body.latency_ms }));
  }
}
