import { Controller, Get, Inject, Optional, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { HealthResponseDto, OnDemandPricingHealthDto, PricingHealthDto } from '@spot/contracts';
import { Clock, SharedHotData, SPOT_CONFIG, SpotConfig } from '@spot/core';
import { DatabaseHealth } from '@spot/persistence';
import { PricingStatus, PricingStatusReport } from '@spot/price-list';

/** /health is polled often; the pricing section changes at most every few hours. */
const HEALTH_PRICING_MAX_AGE_MS = 30_000;

@ApiTags('health')
@Controller()
export class HealthController {
  private readonly startedAt: number;

  constructor(
    private readonly database: DatabaseHealth,
    private readonly pricing: PricingStatus,
    private readonly clock: Clock,
    @Inject(SPOT_CONFIG) private readonly config: SpotConfig,
    @Optional() private readonly hotData?: SharedHotData,
  ) {
    this.startedAt = clock.nowMs();
  }

  /** Liveness and readiness: 200 when the database answers, 503 otherwise. */
  @Get('health')
  @ApiOkResponse({ type: HealthResponseDto })
  @ApiServiceUnavailableResponse({ type: HealthResponseDto, description: 'A component is down' })
  async getHealth(@Res({ passthrough: true }) response: Response): Promise<HealthResponseDto> {
    const [db, redis] = await Promise.all([this.database.check(), this.hotData?.health()]);
    const ok = db.status === 'ok';
    response.status(ok ? 200 : 503);
    // Informational: the shipped file is a working fallback, so it never makes the process unhealthy.
    const pricing = ok ? await this.pricing.report({ maxAgeMs: HEALTH_PRICING_MAX_AGE_MS }).then(toPricingHealth, () => undefined) : undefined;
    return {
      status: ok && redis?.status !== 'degraded' ? 'ok' : 'degraded',
      version: this.config.version,
      uptime_seconds: Math.max(0, Math.round((this.clock.nowMs() - this.startedAt) / 1000)),
      time: this.clock.now().toISOString(),
      components: {
        database: {
          status: db.status,
          dialect: db.dialect,
          latency_ms: db.latencyMs,
          pending_migrations: db.pendingMigrations,
          ...(db.error ? { error: db.error } : {}),
        },
        // Redis down degrades, never fails: everything it holds falls back to the database (docs/architecture.md "Redis").
        // No error text here: /health is public, and a Redis error can name internal hosts.
        ...(redis ? { redis: { status: redis.status } } : {}),
      },
      ...(pricing ? { pricing } : {}),
    };
  }
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toOnDemandPricing(report: PricingStatusReport): OnDemandPricingHealthDto {
  return {
    source: report.onDemand.source,
    last_refresh_at: iso(report.onDemand.lastRefreshAt),
    last_refresh_message: report.onDemand.lastRefreshMessage,
    fallback_reason: report.onDemand.fallbackReason,
    skipped_entries: report.onDemand.skippedEntries,
    regions: report.onDemand.regions.map((r) => ({ region: r.region, types: r.types, source: r.source, fetched_at: iso(r.fetchedAt) })),
  };
}

/**
 * What the public /health may say of the price sources: AWS's own error text names the control
 * plane's account and role (an AccessDenied reads `User: arn:aws:sts::<account>:assumed-role/…`),
 * so it stays on the super-admin data-quality route; /health says only that, and where to look.
 */
const SEE_ADMIN = 'see GET /api/admin/data-quality/on-demand-prices (super-admin) for the reason';

function toPricingHealth(report: PricingStatusReport): PricingHealthDto {
  const onDemand = toOnDemandPricing(report);
  return {
    on_demand: {
      ...onDemand,
      last_refresh_message: onDemand.last_refresh_message === null ? null : `${onDemand.source === 'aws-price-list' ? 'refreshed from the AWS Price List API' : 'the AWS Price List API was not used'}; ${SEE_ADMIN}`,
      fallback_reason: onDemand.fallback_reason === null ? null : `the shipped on-demand file serves; ${SEE_ADMIN}`,
    },
    spot_advisor: {
      source: report.spotAdvisor.source,
      last_refresh_at: iso(report.spotAdvisor.lastRefreshAt),
      skipped_since_refresh: report.spotAdvisor.skippedSinceRefresh,
      last_skip_reason: report.spotAdvisor.lastSkipReason, // about the public SPOT_ADVISOR_URL only
    },
  };
}
