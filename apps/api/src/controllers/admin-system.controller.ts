import { Body, Controller, Get, Put, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { GrowthDto, GrowthQueryDto, SafeModeDto, SetSafeModeRequestDto, SystemHealthDto } from '@spot/contracts';
import { SafeModeState, SafeModeSwitch } from '@spot/core';
import { Principal, UserPrincipal } from '@spot/identity';
import { GrowthSnapshots, SystemHealthReporter } from '@spot/sentinel';
import { SuperAdminGuard } from '../auth/guards';
import { CurrentPrincipal } from '../auth/principal.decorator';
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
    private readonly safeMode: SafeModeSwitch,
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

  /** The global SAFE_MODE flag (seed 003). */
  @Get('safe-mode')
  @ApiOkResponse({ type: SafeModeDto })
  @ApiStandardErrors('forbidden')
  async getSafeMode(): Promise<SafeModeDto> {
    return toSafeMode(await this.safeMode.state());
  }

  /**
   * Turns SAFE_MODE on or off for the whole system: while on, every agent works in DryRun (its
   * next heartbeat answer says so) and the control plane issues no automatic command.
   */
  @Put('safe-mode')
  @ApiOkResponse({ type: SafeModeDto })
  @ApiStandardErrors('forbidden')
  async setSafeMode(@Body() body: SetSafeModeRequestDto, @CurrentPrincipal() principal: Principal): Promise<SafeModeDto> {
    return toSafeMode(await this.safeMode.set(body.on, { userId: (principal as UserPrincipal).userId, reason: body.reason ?? null }));
  }
}

function toSafeMode(state: SafeModeState): SafeModeDto {
  return { on: state.on, changed_by: state.changedBy, changed_at: state.changedAt, reason: state.reason };
}
