import { Body, Controller, Get, Post, Query, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminClientPageDto, ClientCreatedDto, CreateClientRequestDto, PageQueryDto } from '@spot/contracts';
import { pageRequest } from '@spot/core';
import { SavingsLedger } from '@spot/decisions';
import { ClientService, Principal, UserPrincipal } from '@spot/identity';
import { SuperAdminGuard } from '../auth/guards';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { pageOf, toAdminClient, toAdminClientRow } from '../presenters/presenters';
import { ApiStandardErrors, ApiUserAuth } from './api-docs';

@ApiTags('admin')
@ApiUserAuth()
@UseGuards(SuperAdminGuard)
@Controller('api/admin/clients')
export class AdminClientsController {
  constructor(
    private readonly clients: ClientService,
    private readonly savings: SavingsLedger,
  ) {}

  /** Creates a client; its client token is in this answer only (it is stored hashed). */
  @Post()
  @ApiCreatedResponse({ type: ClientCreatedDto })
  @ApiStandardErrors('forbidden', 'conflict')
  async createClient(@Body() body: CreateClientRequestDto, @CurrentPrincipal() principal: Principal): Promise<ClientCreatedDto> {
    const { client, clientToken } = await this.clients.createClient(
      { name: body.name, email: body.email, plan: body.plan, maxAgents: body.max_agents, maxInstances: body.max_instances },
      (principal as UserPrincipal).email,
    );
    return { ...toAdminClient(client, 0, 0), client_token: clientToken };
  }

  /** Every client, newest first. */
  @Get()
  @ApiOkResponse({ type: AdminClientPageDto })
  @ApiStandardErrors('forbidden')
  async listClients(@Query() query: PageQueryDto): Promise<AdminClientPageDto> {
    const page = await this.clients.listClients(pageRequest(query.limit, query.offset));
    return pageOf(page, toAdminClientRow(await this.savings.totalsFor(page.items.map((row) => row.client.id))));
  }
}
