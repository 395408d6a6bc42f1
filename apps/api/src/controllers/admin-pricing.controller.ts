import { Body, Controller, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DataQualityDto, DataQualityQueryDto, GapFillRequestDto, GapFillResultDto } from '@spot/contracts';
import { Clock } from '@spot/core';
import { DataQuality, GapFiller } from '@spot/data-valve';
import { SuperAdminGuard } from '../auth/guards';
import { toDataQualityDay, toGapFillResult } from '../presenters/pricing-presenters';
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
  ) {}

  /** Seed 001 "data quality over time": per day, total clean points and the share interpolated, newest first. */
  @Get('data-quality')
  @ApiOkResponse({ type: DataQualityDto })
  @ApiStandardErrors('forbidden')
  async getDataQuality(@Query() query: DataQualityQueryDto): Promise<DataQualityDto> {
    const days = query.days ?? 7;
    return { days, items: (await this.quality.daily(days)).map(toDataQualityDay) };
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
