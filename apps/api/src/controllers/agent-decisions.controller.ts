import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DecisionResultDto, SwitchReportRequestDto, SwitchReportResponseDto } from '@spot/contracts';
import { CommandTracker } from '@spot/command-tracker';
import { DomainError } from '@spot/core';
import { DecisionLoop, DecisionService, SwitchRecorder } from '@spot/decisions';
import { AgentPrincipal, Principal } from '@spot/identity';
import { AgentAuthGuard } from '../auth/guards';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { toDecisionResult, toSwitchReport } from '../presenters/decisions.presenters';
import { ApiStandardErrors, SECURITY } from './api-docs';

const date = (value?: string) => (value ? new Date(value) : undefined);

/** Decisions for one agent and the switches it reports (seed 002 agent routes). */
@ApiTags('agents')
@ApiBearerAuth(SECURITY.agent)
@UseGuards(AgentAuthGuard)
@Controller('api/agents')
export class AgentDecisionsController {
  constructor(
    private readonly decisions: DecisionService,
    private readonly recorder: SwitchRecorder,
    private readonly commands: CommandTracker,
  ) {}

  /**
   * Decides for the agent now, as the 5-minute loop does, and records the decision: with
   * auto-switch on a recommended move becomes an automatic switch command (priority 50); with it
   * off the recommendation is only recorded and shown.
   */
  @Post(':id/decide')
  @HttpCode(200)
  @ApiOkResponse({ type: DecisionResultDto })
  @ApiStandardErrors('not_found', 'conflict')
  async decideForAgent(@Param('id') id: string): Promise<DecisionResultDto> {
    return toDecisionResult(await this.decisions.decide(id, { act: true }));
  }

  /** The current recommendation: the latest decision of the last loop period, or a fresh one (never acted on). */
  @Get(':id/switch-recommendation')
  @ApiOkResponse({ type: DecisionResultDto })
  @ApiStandardErrors('not_found', 'conflict')
  async getSwitchRecommendation(@Param('id') id: string): Promise<DecisionResultDto> {
    return toDecisionResult(await this.decisions.currentRecommendation(id, DecisionLoop.INTERVAL_MINUTES * 60_000));
  }

  /** Turns a fresh recommendation into an automatic switch command; refused (409 AUTO_SWITCH_DISABLED) when auto-switch is off (seed 004). */
  @Post(':id/issue-switch-command')
  @HttpCode(200)
  @ApiOkResponse({ type: DecisionResultDto })
  @ApiStandardErrors('not_found', 'conflict')
  async issueSwitchCommand(@Param('id') id: string): Promise<DecisionResultDto> {
    return toDecisionResult(await this.decisions.issueSwitchCommand(id));
  }

  /**
   * Records a finished (or failed) switch with its timings: the agent's identity moves to the new
   * instance, the old one becomes history, and the client's savings are recomputed. Reporting the
   * same switch again (same report_id, else same command, else same new instance and outcome),
   * even concurrently, answers the first record.
   */
  @Post(':id/switch-report')
  @HttpCode(200)
  @ApiOkResponse({ type: SwitchReportResponseDto })
  @ApiStandardErrors('not_found')
  async recordSwitchReport(@Param('id') id: string, @Body() body: SwitchReportRequestDto, @CurrentPrincipal() principal: Principal): Promise<SwitchReportResponseDto> {
    const agent = principal as AgentPrincipal;
    let trigger = body.trigger;
    if (body.command_id) {
      const command = await this.commands.findById(body.command_id);
      if (!command || command.agentId !== id) throw DomainError.notFound('command', body.command_id);
      trigger ??= command.origin;
    }
    const recorded = await this.recorder.record({
      clientId: agent.clientId,
      agentId: id,
      reportId: body.report_id ?? null,
      commandId: body.command_id ?? null,
      oldInstanceId: body.old_instance_id ?? null,
      newInstanceId: body.new_instance_id,
      mode: body.mode,
      poolId: body.pool_id ?? null,
      instanceType: body.instance_type ?? null,
      az: body.az ?? null,
      price: body.price ?? null,
      onDemandPrice: body.on_demand_price ?? null,
      oldPrice: body.old_price ?? null,
      trigger: trigger ?? 'manual',
      success: body.success,
      errorMessage: body.error_message ?? null,
      initiatedAt: date(body.initiated_at),
      amiCreatedAt: date(body.ami_created_at),
      instanceLaunchedAt: date(body.instance_launched_at),
      instanceReadyAt: date(body.instance_ready_at),
      oldTerminatedAt: date(body.old_terminated_at),
      downtimeMs: body.downtime_ms ?? null,
      cutoverSteps: body.cutover_steps?.map((s) => ({ name: s.name, durationMs: s.duration_ms, ok: s.ok })) ?? null,
    });
    return toSwitchReport(recorded);
  }
}
