import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AgentPageDto, ClientInfoDto, ClientTokenRotatedDto, InstancePageDto, ListAgentsQueryDto, ListInstancesQueryDto } from '@spot/contracts';
import { pageRequest } from '@spot/core';
import { SavingsLedger } from '@spot/decisions';
import { AgentRegistry, ClientService, displayHint, Principal } from '@spot/identity';
import { ClientScopeGuard } from '../auth/guards';
import { CurrentPrincipal, requireUser } from '../auth/principal.decorator';
import { pageOf, toAgentSummary, toClientInfo, toInstance } from '../presenters/presenters';
import { ApiStandardErrors, SECURITY } from './api-docs';

/** Reads of one client's own data: its users, its client token, or a super-admin. */
@ApiTags('client')
@ApiBearerAuth(SECURITY.user)
@ApiBearerAuth(SECURITY.client)
@UseGuards(ClientScopeGuard)
@Controller('api/client/:id')
export class ClientController {
  constructor(
    private readonly clients: ClientService,
    private readonly registry: AgentRegistry,
    private readonly savings: SavingsLedger,
  ) {}

  /** Client information, limits and totals. */
  @Get()
  @ApiOkResponse({ type: ClientInfoDto })
  @ApiStandardErrors('not_found')
  async getClient(@Param('id') id: string): Promise<ClientInfoDto> {
    const summary = await this.clients.getSummary(id);
    return toClientInfo(summary, await this.savings.totalFor(id));
  }

  /** The client's agents, oldest first. */
  @Get('agents')
  @ApiOkResponse({ type: AgentPageDto })
  @ApiStandardErrors('not_found')
  async listClientAgents(@Param('id') id: string, @Query() query: ListAgentsQueryDto): Promise<AgentPageDto> {
    return pageOf(await this.registry.listAgents(id, query.status, pageRequest(query.limit, query.offset)), toAgentSummary);
  }

  /** The client's instances, newest first; `status` chooses active (default), terminated or all. */
  @Get('instances')
  @ApiOkResponse({ type: InstancePageDto })
  @ApiStandardErrors('not_found')
  async listClientInstances(@Param('id') id: string, @Query() query: ListInstancesQueryDto): Promise<InstancePageDto> {
    return pageOf(await this.registry.listInstances(id, query.status ?? 'active', pageRequest(query.limit, query.offset)), toInstance);
  }

  /** Replaces the client token (users only, not the token itself); the old one stops working at once. */
  @Post('client-token')
  @HttpCode(200)
  @ApiOkResponse({ type: ClientTokenRotatedDto })
  @ApiStandardErrors('not_found', 'forbidden')
  async rotateClientToken(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<ClientTokenRotatedDto> {
    const user = requireUser(principal);
    const { clientToken, hint } = await this.clients.rotateClientToken(id, user.email);
    return { client_token: clientToken, client_token_hint: displayHint(hint) };
  }
}
