import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AgentDecisionPageDto, ClientSavingsDto, PageQueryDto, SwitchPageDto } from '@spot/contracts';
import { pageRequest } from '@spot/core';
import { DecisionService, SavingsLedger, SwitchHistory } from '@spot/decisions';
import { ClientScopeGuard } from '../auth/guards';
import { pageOf } from '../presenters/presenters';
import { toAgentDecision, toClientSavings, toSwitch } from '../presenters/decisions.presenters';
import { ApiStandardErrors, SECURITY } from './api-docs';

/** A client's switches, savings and decisions: its users, its client token, or a super-admin. */
@ApiTags('client')
@ApiBearerAuth(SECURITY.user)
@ApiBearerAuth(SECURITY.client)
@UseGuards(ClientScopeGuard)
@Controller('api/client/:id')
export class ClientDecisionsController {
  constructor(
    private readonly switches: SwitchHistory,
    private readonly ledger: SavingsLedger,
    private readonly decisions: DecisionService,
  ) {}

  /** Switch history, newest first, with each switch's price impact and timings. */
  @Get('switches')
  @ApiOkResponse({ type: SwitchPageDto })
  @ApiStandardErrors('not_found')
  async listClientSwitches(@Param('id') id: string, @Query() query: PageQueryDto): Promise<SwitchPageDto> {
    return pageOf(await this.switches.pageForClient(id, pageRequest(query.limit, query.offset)), toSwitch);
  }

  /** Lifetime savings, today so far, the current rate projected over a month and a year, and finished days (paginated). */
  @Get('savings')
  @ApiOkResponse({ type: ClientSavingsDto })
  @ApiStandardErrors('not_found')
  async getClientSavings(@Param('id') id: string, @Query() query: PageQueryDto): Promise<ClientSavingsDto> {
    const overview = await this.ledger.overview(id);
    return toClientSavings(overview, await this.ledger.dailySnapshots(id, pageRequest(query.limit, query.offset)));
  }

  /** Each agent with its latest decision and the reasons behind it. */
  @Get('agents/decisions')
  @ApiOkResponse({ type: AgentDecisionPageDto })
  @ApiStandardErrors('not_found')
  async listAgentDecisions(@Param('id') id: string, @Query() query: PageQueryDto): Promise<AgentDecisionPageDto> {
    return pageOf(await this.decisions.latestPerAgent(id, pageRequest(query.limit, query.offset)), toAgentDecision);
  }
}
