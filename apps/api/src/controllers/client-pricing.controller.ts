import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DataQualityDto, DataQualityQueryDto, InstancePriceHistoryDto, InstancePricingDto, PoolPriceHistoryDto, PriceHistoryQueryDto } from '@spot/contracts';
import { pageRequest } from '@spot/core';
import { CandidatePools, DataQuality, InstancePlacement, PriceViews } from '@spot/data-valve';
import { AgentRegistry } from '@spot/identity';
import { InstanceEntity } from '@spot/persistence';
import { ClientScopeGuard } from '../auth/guards';
import { toCandidateHistory, toDataQualityDay, toInstancePricing, toPoolHistory } from '../presenters/pricing-presenters';
import { ApiStandardErrors, SECURITY } from './api-docs';

const DEFAULT_DAYS = 7;

const placementOf = (instance: InstanceEntity): InstancePlacement => ({
  region: instance.region,
  instanceType: instance.instanceType,
  az: instance.az,
  currentMode: instance.currentMode,
  currentPoolId: instance.currentPoolId,
});

/**
 * Price charts, the switching panel and data quality for one client. Spot prices are public
 * market data: any pool's history is readable by the client's users and token; instances are
 * the client's own (another client's instance id answers 404).
 */
@ApiTags('client')
@ApiBearerAuth(SECURITY.user)
@ApiBearerAuth(SECURITY.client)
@UseGuards(ClientScopeGuard)
@Controller('api/client/:id')
export class ClientPricingController {
  constructor(
    private readonly registry: AgentRegistry,
    private readonly views: PriceViews,
    private readonly candidates: CandidatePools,
    private readonly quality: DataQuality,
  ) {}

  /** A pool's clean 5-minute series (default 7 days, at most 30), each point with its source and confidence. */
  @Get('pools/:poolId/price-history')
  @ApiOkResponse({ type: PoolPriceHistoryDto })
  @ApiStandardErrors('not_found')
  async getPoolPriceHistory(@Param('poolId') poolId: string, @Query() query: PriceHistoryQueryDto): Promise<PoolPriceHistoryDto> {
    return toPoolHistory(await this.views.poolHistory(poolId, query.days ?? DEFAULT_DAYS));
  }

  /** The series of every pool the instance could move to: its type in every AZ and similar types. `instanceId`: the instance record's id or its EC2 instance id. */
  @Get('instances/:instanceId/price-history')
  @ApiOkResponse({ type: InstancePriceHistoryDto })
  @ApiStandardErrors('not_found')
  async getInstancePriceHistory(@Param('id') id: string, @Param('instanceId') instanceId: string, @Query() query: PriceHistoryQueryDto): Promise<InstancePriceHistoryDto> {
    const instance = await this.registry.getInstanceByAnyId(id, instanceId);
    const days = query.days ?? DEFAULT_DAYS;
    const pools = await this.views.candidateHistory(placementOf(instance), days);
    return { instance_id: instance.id, current_pool_id: instance.currentPoolId, days, pools: pools.map(toCandidateHistory) };
  }

  /** The switching panel: on-demand first, then each candidate pool's price and saving, cheapest and current flagged. `instanceId`: the instance record's id or its EC2 instance id. */
  @Get('instances/:instanceId/pricing')
  @ApiOkResponse({ type: InstancePricingDto })
  @ApiStandardErrors('not_found')
  async getInstancePricing(@Param('id') id: string, @Param('instanceId') instanceId: string): Promise<InstancePricingDto> {
    const instance = await this.registry.getInstanceByAnyId(id, instanceId);
    const placement = placementOf(instance);
    return toInstancePricing(instance.id, placement, await this.views.switchingPanel(placement));
  }

  /** Share of interpolated points per day over the pools the client's active instances could use. */
  @Get('data-quality')
  @ApiOkResponse({ type: DataQualityDto })
  @ApiStandardErrors('not_found')
  async getClientDataQuality(@Param('id') id: string, @Query() query: DataQualityQueryDto): Promise<DataQualityDto> {
    const days = query.days ?? DEFAULT_DAYS;
    const instances = await this.registry.listInstances(id, 'active', pageRequest(200, 0));
    const pools = new Set<string>();
    const seen = new Set<string>();
    for (const instance of instances.items) {
      const key = `${instance.region}|${instance.instanceType}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const c of await this.candidates.forWorkload(placementOf(instance))) pools.add(c.poolId);
    }
    return { days, items: (await this.quality.daily(days, [...pools])).map(toDataQualityDay) };
  }
}
