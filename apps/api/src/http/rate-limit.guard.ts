import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError, RateLimiter, SPOT_CONFIG, SpotConfig } from '@spot/core';

export type RateLimitPolicy = 'signup' | 'token';

const RATE_LIMIT_POLICY = 'spot:rate-limit-policy';

/** Limits a route per client address (seed 003: sign-up 5/hour, token 10/minute). */
export const RateLimit = (policy: RateLimitPolicy) => SetMetadata(RATE_LIMIT_POLICY, policy);

@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
    @Inject(SPOT_CONFIG) private readonly config: SpotConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.reflector.get<RateLimitPolicy | undefined>(RATE_LIMIT_POLICY, context.getHandler());
    if (!policy) return true;
    const { limit, windowMs, label } =
      policy === 'signup'
        ? { limit: this.config.rateLimits.signupPerHour, windowMs: 3_600_000, label: 'sign-ups per hour' }
        : { limit: this.config.rateLimits.tokenPerMinute, windowMs: 60_000, label: 'log-in attempts per minute' };
    const address = context.switchToHttp().getRequest<Request>().ip ?? 'unknown';
    const decision = await this.limiter.hit(`${policy}:${address}`, limit, windowMs);
    if (!decision.allowed) {
      throw DomainError.rateLimited(`Too many requests: at most ${limit} ${label} from one address`, Math.ceil(decision.retryAfterMs / 1000));
    }
    return true;
  }
}
