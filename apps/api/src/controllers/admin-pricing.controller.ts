import { Body, Controller, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminDataQualityDto, DataQualityQueryDto, GapFillRequestDto, GapFillResultDto } from '@spot/contracts';
import { Clock } from '@spot/core';
import { DataQuality, GapFiller } from '@spot/data-valve';
import { ClientService } from '@spot/identity';
import { SuperAdminGuard } from '../auth/guards';
import { toDataQualityDay, toGapFillResult, toHeldSource } from '../presenters/pricing-presenters';
import { ApiStandardErrors, ApiUserAuth } from './api-docs';

/** System-wide price data operations (super-admins). */
@ApiTags('admin')
@ApiUserAuth()
@UseGuards(SuperAdminGuard)
@Controller('api/admin')
export class AdminPricingController {
  constructor(
    private readonly quality: DataQuality,
    private readonly gapFiller: GapFiller,
    private readonly clock: Clock,
    private readonly clients: ClientService,
  ) {}

  /**
   * Seed 001 "data quality over time": per day, total clean points and the share interpolated,
   * newest first; and the clients whose spot prices the consensus held repeatedly in the last 24 h.
   */
  @Get('data-quality')
  @ApiOkResponse({ type: AdminDataQualityDto })
  @ApiStandardErrors('forbidden')
  async getDataQuality(@Query() query: DataQualityQueryDto): Promise<AdminDataQualityDto> {
    const days = query.days ?? 7;
    const held = await this.quality.heldSources();
    const names = new Map<string, string | null>();
    for (const h of held) names.set(h.clientId, await this.clients.getClient(h.clientId).then((c) => c.name, () => null));
    return { days, items: (await this.quality.daily(days)).map(toDataQualityDay), held_sources: held.map((h) => toHeldSource(h, names.get(h.clientId) ?? null)) };
  }

  /** Detects and fills gaps now (the scheduler does it every 15 minutes); answers what was filled and what stays empty. */
  @Post('pricing/gap-fill')
  @HttpCode(200)
  @ApiOkResponse({ type: GapFillResultDto })
  @ApiStandardErrors('forbidden')
  async fillPriceGaps(@Body() body: GapFillRequestDto): Promise<GapFillResultDto> {
    const to = this.clock.now();
    const from = new Date(to.getTime() - (body.hours ?? 24) * 3_600_000);
    return toGapFillResult(await this.gapFiller.fill({ from, to, poolIds: body.pool_ids }));
  }
}
