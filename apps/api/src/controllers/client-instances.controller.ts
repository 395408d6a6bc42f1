import { Body, Controller, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { ForceSwitchRequestDto, ForceSwitchResponseDto } from '@spot/contracts';
import { DomainError } from '@spot/core';
import { ManualSwitchService } from '@spot/decisions';
import { AgentRegistry, Principal } from '@spot/identity';
import { InstanceScopeGuard } from '../auth/guards';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { toCommand } from '../presenters/decisions.presenters';
import { ApiStandardErrors, SECURITY } from './api-docs';

/** Actions on one instance, by the id of its record (InstanceDto.id); others' instances answer 404. */
@ApiTags('client')
@ApiBearerAuth(SECURITY.user)
@ApiBearerAuth(SECURITY.client)
@UseGuards(InstanceScopeGuard)
@Controller('api/client/instances')
export class ClientInstancesController {
  constructor(
    private readonly registry: AgentRegistry,
    private readonly manualSwitches: ManualSwitchService,
  ) {}

  /**
   * Moves the workload now, to a pool it can run in or to on-demand: a manual switch command
   * (priority 75) that replaces a pending automatic switch and works whatever auto-switch says.
   */
  @Post(':id/force-switch')
  @ApiCreatedResponse({ type: ForceSwitchResponseDto })
  @ApiStandardErrors('not_found', 'conflict')
  async forceSwitch(@Param('id') id: string, @Body() body: ForceSwitchRequestDto, @CurrentPrincipal() principal: Principal): Promise<ForceSwitchResponseDto> {
    const instance = await this.registry.findInstanceRecord(id);
    if (!instance) throw DomainError.notFound('instance', id); // InstanceScopeGuard has checked it is the caller's
    const requestedBy = principal.kind === 'user' ? principal.email : 'client-token';
    const { command, superseded } = await this.manualSwitches.forceSwitch(instance, { target: body.target, poolId: body.pool_id, requestedBy });
    return { command: toCommand(command), superseded };
  }
}
