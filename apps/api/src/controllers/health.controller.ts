import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { HealthResponseDto } from '@spot/contracts';
import { Clock, SPOT_CONFIG, SpotConfig } from '@spot/core';
import { DatabaseHealth } from '@spot/persistence';

@ApiTags('health')
@Controller()
export class HealthController {
  private readonly startedAt: number;

  constructor(
    private readonly database: DatabaseHealth,
    private readonly clock: Clock,
    @Inject(SPOT_CONFIG) private readonly config: SpotConfig,
  ) {
    this.startedAt = clock.nowMs();
  }

  /** Liveness and readiness: 200 when the database answers, 503 otherwise. */
  @Get('health')
  @ApiOkResponse({ type: HealthResponseDto })
  @ApiServiceUnavailableResponse({ type: HealthResponseDto, description: 'A component is down' })
  async getHealth(@Res({ passthrough: true }) response: Response): Promise<HealthResponseDto> {
    const db = await this.database.check();
    const ok = db.status === 'ok';
    response.status(ok ? 200 : 503);
    return {
      status: ok ? 'ok' : 'degraded',
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
      },
    };
  }
}
