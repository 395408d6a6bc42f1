import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { GrowthDto, GrowthQueryDto, SystemHealthDto } from '@spot/contracts';
import { GrowthSnapshots, SystemHealthReporter } from '@spot/sentinel';
import { SuperAdminGuard } from '../auth/guards';
import { toGrowthDay, toSystemHealth } from '../presenters/sentinel.presenters';
import { ApiStandardErrors, ApiUserAuth } from './api-docs';

@ApiTags('admin')
@ApiUserAuth()
@UseGuards(SuperAdminGuard)
@Controller('api/admin')
export class AdminSystemController {
  constructor(
    private readonly health: SystemHealthReporter,
    private readonly growth: GrowthSnapshots,
  ) {}

  /** Database, each scheduled job's last run and outcome, agents online/offline, pending commands. */
  @Get('system-health')
  @ApiOkResponse({ type: SystemHealthDto })
  @ApiStandardErrors('forbidden')
  async getSystemHealth(): Promise<SystemHealthDto> {
    return toSystemHealth(await this.health.report());
  }

  /** Daily client growth from the snapshot job (last `days` days). */
  @Get('growth')
  @ApiOkResponse({ type: GrowthDto })
  @ApiStandardErrors('forbidden')
  async getGrowth(@Query() query: GrowthQueryDto): Promise<GrowthDto> {
    return { days: (await this.growth.recent(query.days ?? 30)).map(toGrowthDay) };
  }
}
