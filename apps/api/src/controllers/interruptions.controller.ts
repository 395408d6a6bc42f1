import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { InterruptionResponseDto, InterruptionSignalDto, RebalanceReportDto, TerminationReportDto } from '@spot/contracts';
import { EmergencyFallback, InterruptionSignal } from '@spot/sentinel';
import { AgentAuthGuard } from '../auth/guards';
import { toInterruption } from '../presenters/sentinel.presenters';
import { ApiStandardErrors, SECURITY } from './api-docs';

const date = (value?: string) => (value ? new Date(value) : undefined);

const rebalance = (body: RebalanceReportDto, route: InterruptionSignal['route'], forceReplica = false): InterruptionSignal => ({
  route,
  signalType: 'rebalance-recommendation',
  instanceId: body.instance_id,
  actionTime: date(body.notice_time),
  reportedBy: body.reported_by,
  forceReplica,
});

const termination = (body: TerminationReportDto, route: InterruptionSignal['route']): InterruptionSignal => ({
  route,
  signalType: 'termination-notice',
  instanceId: body.instance_id,
  instanceAction: body.action ?? 'terminate',
  actionTime: date(body.termination_time),
  reportedBy: body.reported_by,
  replicaId: body.replica_id,
});

/**
 * AWS interruption signals from agents (seed 000 flow 3, seed 004 Scenarios 2–3). Retries and
 * reports of the same signal by primary and replica answer the one event already recorded.
 */
@ApiTags('interruptions')
@ApiBearerAuth(SECURITY.agent)
@UseGuards(AgentAuthGuard)
@Controller('api/agents')
export class InterruptionsController {
  constructor(private readonly fallback: EmergencyFallback) {}

  /** Rebalance recommendation (10–20 min ahead): scored; above 0.30 an emergency replica is created. */
  @Post(':id/rebalance-recommendation')
  @HttpCode(200)
  @ApiOkResponse({ type: InterruptionResponseDto })
  @ApiStandardErrors('not_found', 'conflict')
  async reportRebalance(@Param('id') id: string, @Body() body: RebalanceReportDto): Promise<InterruptionResponseDto> {
    return toInterruption(await this.fallback.handle(id, rebalance(body, 'rebalance-recommendation')));
  }

  /** The agent judged the rebalance risk above 30 %: an emergency replica in the safest affordable pool. */
  @Post(':id/create-emergency-replica')
  @HttpCode(200)
  @ApiOkResponse({ type: InterruptionResponseDto })
  @ApiStandardErrors('not_found', 'conflict')
  async createEmergencyReplica(@Param('id') id: string, @Body() body: RebalanceReportDto): Promise<InterruptionResponseDto> {
    return toInterruption(await this.fallback.handle(id, rebalance(body, 'create-emergency-replica', true)));
  }

  /** Spot termination notice (2 min ahead): a ready replica is promoted, else snapshot + emergency launch. */
  @Post(':id/termination')
  @HttpCode(200)
  @ApiOkResponse({ type: InterruptionResponseDto })
  @ApiStandardErrors('not_found', 'conflict')
  async reportTermination(@Param('id') id: string, @Body() body: TerminationReportDto): Promise<InterruptionResponseDto> {
    return toInterruption(await this.fallback.handle(id, termination(body, 'termination')));
  }

  /** Scenario 3 step 4: the agent asks for the failover to its ready replica. */
  @Post(':id/termination-imminent')
  @HttpCode(200)
  @ApiOkResponse({ type: InterruptionResponseDto })
  @ApiStandardErrors('not_found', 'conflict')
  async reportTerminationImminent(@Param('id') id: string, @Body() body: TerminationReportDto): Promise<InterruptionResponseDto> {
    return toInterruption(await this.fallback.handle(id, termination(body, 'termination-imminent')));
  }

  /** Either notice, by `signal_type` (default termination-notice). */
  @Post(':id/interruption')
  @HttpCode(200)
  @ApiOkResponse({ type: InterruptionResponseDto })
  @ApiStandardErrors('not_found', 'conflict')
  async reportInterruption(@Param('id') id: string, @Body() body: InterruptionSignalDto): Promise<InterruptionResponseDto> {
    const signal = body.signal_type === 'rebalance-recommendation' ? rebalance(body, 'interruption') : termination(body, 'interruption');
    return toInterruption(await this.fallback.handle(id, signal));
  }
}
