import { Body, Controller, Get, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CommandTracker } from '@spot/command-tracker';
import { CommandDto, ForceSwitchRequestDto, ForceSwitchResponseDto } from '@spot/contracts';
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
    private readonly commands: CommandTracker,
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

  /**
   * One command of the instance's agent, e.g. the force-switch just issued: the portal follows its
   * status (pending → executing → completed/failed) until the switch report arrives.
   */
  @Get(':id/commands/:commandId')
  @ApiOkResponse({ type: CommandDto })
  @ApiStandardErrors('not_found')
  async getCommand(@Param('id') id: string, @Param('commandId') commandId: string): Promise<CommandDto> {
    const instance = await this.registry.findInstanceRecord(id);
    if (!instance) throw DomainError.notFound('instance', id);
    const command = await this.commands.findById(commandId);
    if (!command || !instance.agentId || command.agentId !== instance.agentId) throw DomainError.notFound('command', commandId);
    return toCommand(command);
  }
}
