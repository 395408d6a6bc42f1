import { Body, Controller, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AgentConfigDto, ContinuitySettingsDto, UpdateAgentSettingsRequestDto } from '@spot/contracts';
import { AgentRegistry, Principal } from '@spot/identity';
import { AgentOwnerGuard, AgentOwnerUserGuard } from '../auth/guards';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { fromContinuityDto } from '../presenters/continuity-presenters';
import { toAgentConfig } from '../presenters/presenters';
import { ApiStandardErrors, SECURITY } from './api-docs';
import { actorOf } from './replicas.controller';

@ApiTags('client')
@ApiBearerAuth(SECURITY.user)
@ApiBearerAuth(SECURITY.client)
@UseGuards(AgentOwnerGuard)
@Controller('api/client/agents')
export class AgentSettingsController {
  constructor(private readonly registry: AgentRegistry) {}

  /**
   * The agent's toggles (seed 004). Auto-switch (with auto-terminate) and manual replica mode
   * exclude each other: 409 with the seed-001 message when a request would leave both on.
   */
  @Post(':id/config')
  @HttpCode(200)
  @ApiOkResponse({ type: AgentConfigDto })
  @ApiStandardErrors('not_found', 'conflict')
  async updateAgentConfig(@Param('id') id: string, @Body() body: UpdateAgentSettingsRequestDto, @CurrentPrincipal() principal: Principal): Promise<AgentConfigDto> {
    const config = await this.registry.updateSettings(
      id,
      {
        autoSwitch: body.auto_switch,
        autoTerminate: body.auto_terminate,
        terminateWaitSeconds: body.terminate_wait_seconds,
        manualReplica: body.manual_replica,
        autoReplica: body.auto_replica,
      },
      actorOf(principal),
    );
    return toAgentConfig(config);
  }

  /**
   * What follows the workload on a switch or failover (docs/continuity.md): target groups,
   * Elastic IP, Route 53 record, data volumes, network interface, hooks. Replaces the previous
   * settings; `{}` clears them. A bad setting answers 400 naming the field (e.g. a target group
   * of another region, a volume in another zone with the snapshot path off); nothing is stored.
   * A signed-in user's change only (403 with the client token): hooks run commands on the instances.
   */
  @Put(':id/continuity')
  @HttpCode(200)
  @UseGuards(AgentOwnerUserGuard)
  @ApiOkResponse({ type: AgentConfigDto })
  @ApiStandardErrors('not_found', 'forbidden')
  async updateAgentContinuity(@Param('id') id: string, @Body() body: ContinuitySettingsDto, @CurrentPrincipal() principal: Principal): Promise<AgentConfigDto> {
    return toAgentConfig(await this.registry.updateContinuity(id, fromContinuityDto(body), actorOf(principal)));
  }
}
