import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PricingReportRequestDto, PricingReportResponseDto } from '@spot/contracts';
import { DomainError } from '@spot/core';
import { PriceIngest } from '@spot/data-valve';
import { AgentRegistry } from '@spot/identity';
import { AgentAuthGuard } from '../auth/guards';
import { AuthenticatedAgent } from '../auth/principal.decorator';
import type { AgentEntity } from '@spot/persistence';
import { toPricingReport } from '../presenters/pricing-presenters';
import { ApiStandardErrors, SECURITY } from './api-docs';

@ApiTags('agents')
@Controller('api/agents')
export class AgentPricingController {
  constructor(
    private readonly registry: AgentRegistry,
    private readonly ingest: PriceIngest,
  ) {}

  /**
   * A batch of spot prices the agent observed (every 60 s), from the primary instance or a
   * replica (an `instance_id` other than the agent's current one). Each observation is checked
   * on its own: the answer counts accepted, new and duplicate ones and gives a reason for each
   * rejected one. A retried identical report stores nothing new. A malformed body is a 400 and
   * stores nothing.
   */
  @Post(':id/pricing-report')
  @HttpCode(200)
  @UseGuards(AgentAuthGuard)
  @ApiBearerAuth(SECURITY.agent)
  @ApiOkResponse({ type: PricingReportResponseDto })
  @ApiStandardErrors('not_found')
  async submitPricingReport(
    @Param('id') id: string,
    @Body() body: PricingReportRequestDto,
    @AuthenticatedAgent() authenticated: AgentEntity | undefined,
  ): Promise<PricingReportResponseDto> {
    // The guard has just read the agent (with its client): no second read on this hot path.
    const agent = authenticated ?? (await this.registry.getAgent(id));
    if (!agent.region) throw DomainError.conflict('AGENT_NOT_PLACED', 'The agent has no region yet; register it first');
    const role = body.instance_id && agent.instanceId && body.instance_id !== agent.instanceId ? 'replica' : 'primary';
    const result = await this.ingest.ingest({
      clientId: agent.clientId,
      agentId: agent.id,
      instanceId: body.instance_id ?? agent.instanceId,
      role,
      region: agent.region,
      observations: body.observations.map((o) => ({
        instanceType: o.instance_type,
        az: o.az,
        spotPrice: o.spot_price,
        onDemandPrice: o.on_demand_price,
        observedAt: o.observed_at,
      })),
    });
    return toPricingReport(result, role);
  }
}
