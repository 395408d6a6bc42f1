import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { OnDemandPriceQualityDto } from '@spot/contracts';
import { PricingStatus } from '@spot/price-list';
import { SuperAdminGuard } from '../auth/guards';
import { toOnDemandPricing } from './health.controller';
import { ApiStandardErrors, ApiUserAuth } from './api-docs';

/** Issue 23: where on-demand prices come from, and which running region/type pairs have none (super-admins). */
@ApiTags('admin')
@ApiUserAuth()
@UseGuards(SuperAdminGuard)
@Controller('api/admin')
export class AdminOnDemandPricesController {
  constructor(private readonly pricing: PricingStatus) {}

  @Get('data-quality/on-demand-prices')
  @ApiOkResponse({ type: OnDemandPriceQualityDto })
  @ApiStandardErrors('forbidden')
  async getOnDemandPriceQuality(): Promise<OnDemandPriceQualityDto> {
    const [report, missing] = await Promise.all([this.pricing.report(), this.pricing.missingOnDemandPrices()]);
    return {
      on_demand: toOnDemandPricing(report),
      missing: missing.map((m) => ({ region: m.region, instance_type: m.instanceType, agents: m.agents, reason: m.reason })),
    };
  }
}
