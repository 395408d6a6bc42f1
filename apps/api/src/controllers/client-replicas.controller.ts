import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ListReplicasQueryDto, ReplicaPageDto } from '@spot/contracts';
import { pageRequest } from '@spot/core';
import { ReplicaService } from '@spot/replicas';
import { ClientScopeGuard } from '../auth/guards';
import { pageOf } from '../presenters/presenters';
import { toReplica } from '../presenters/sentinel.presenters';
import { ApiStandardErrors, SECURITY } from './api-docs';

@ApiTags('client')
@ApiBearerAuth(SECURITY.user)
@ApiBearerAuth(SECURITY.client)
@UseGuards(ClientScopeGuard)
@Controller('api/client/:id/replicas')
export class ClientReplicasController {
  constructor(private readonly replicas: ReplicaService) {}

  /** The client's replicas for the portal, newest first; `status=active` for standing-by ones. */
  @Get()
  @ApiOkResponse({ type: ReplicaPageDto })
  @ApiStandardErrors('not_found')
  async listClientReplicas(@Param('id') id: string, @Query() query: ListReplicasQueryDto): Promise<ReplicaPageDto> {
    const page = await this.replicas.listForClient(id, { activeOnly: query.status === 'active', agentId: query.agent_id }, pageRequest(query.limit, query.offset));
    return pageOf(page, toReplica);
  }
}
