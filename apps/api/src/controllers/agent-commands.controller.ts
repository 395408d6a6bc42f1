import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CommandExecutedRequestDto, CommandExecutedResponseDto, PendingCommandsQueryDto, PendingCommandsResponseDto } from '@spot/contracts';
import { Clock } from '@spot/core';
import { CommandTracker } from '@spot/command-tracker';
import { AgentRegistry } from '@spot/identity';
import { AgentAuthGuard } from '../auth/guards';
import { toCommand } from '../presenters/decisions.presenters';
import { ApiStandardErrors, SECURITY } from './api-docs';

/** The agent's side of the command queue (seed 002: poll every 30 s, report each result). */
@ApiTags('agents')
@ApiBearerAuth(SECURITY.agent)
@UseGuards(AgentAuthGuard)
@Controller('api/agents')
export class AgentCommandsController {
  constructor(
    private readonly commands: CommandTracker,
    private readonly registry: AgentRegistry,
    private readonly clock: Clock,
  ) {}

  /**
   * Hands the agent its next commands, highest priority first (emergency 100, manual 75,
   * automatic 50), and marks them executing: a command is handed out once, even to two pollers
   * at the same time. Stale commands expire instead of being handed out. Commands that depend on
   * the agent's settings carry them as they are now (terminate_wait_seconds, auto_terminate_enabled).
   */
  @Get(':id/pending-commands')
  @ApiOkResponse({ type: PendingCommandsResponseDto })
  @ApiStandardErrors('not_found')
  async getPendingCommands(@Param('id') id: string, @Query() query: PendingCommandsQueryDto): Promise<PendingCommandsResponseDto> {
    const claimed = await this.commands.claimNext(id, query.limit ?? 10, () => this.registry.settingsForCommands(id));
    return { commands: claimed.map(toCommand), server_time: this.clock.now().toISOString() };
  }

  /** Records what became of a command, with its timings. Repeating the report changes nothing. */
  @Post(':id/commands/:commandId/executed')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandExecutedResponseDto })
  @ApiStandardErrors('not_found', 'conflict')
  async recordCommandExecuted(@Param('id') id: string, @Param('commandId') commandId: string, @Body() body: CommandExecutedRequestDto): Promise<CommandExecutedResponseDto> {
    const receipt = await this.commands.recordExecution(id, commandId, {
      success: body.success,
      result: body.result,
      errorMessage: body.error_message,
      durationMs: body.duration_ms,
      startedAt: body.started_at ? new Date(body.started_at) : undefined,
      completedAt: body.completed_at ? new Date(body.completed_at) : undefined,
    });
    return { command: toCommand(receipt.command), already_recorded: receipt.alreadyRecorded };
  }
}
