import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '@spot/core';
import { AgentPrincipal, ClientPrincipal, Principal, UserPrincipal } from '@spot/identity';
import type { AgentEntity } from '@spot/persistence';

export type AuthenticatedRequest = Request & { principal?: Principal; authenticatedAgent?: AgentEntity };

export function principalOf(request: AuthenticatedRequest): Principal {
  if (!request.principal) throw DomainError.unauthenticated('INVALID_TOKEN', 'Missing or invalid credentials');
  return request.principal;
}

/** The agent behind an agent token, as AgentAuthGuard read it (routes need not read it again). */
export const AuthenticatedAgent = createParamDecorator((_data: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<AuthenticatedRequest>().authenticatedAgent);

/** The caller established by the route's guard. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  principalOf(context.switchToHttp().getRequest<AuthenticatedRequest>()),
);

export function requireUser(principal: Principal): UserPrincipal {
  if (principal.kind !== 'user') throw DomainError.forbidden('USER_TOKEN_REQUIRED', 'This action needs a signed-in user, not a client or agent token');
  return principal;
}

export type { AgentPrincipal, ClientPrincipal, UserPrincipal };

export function bearerToken(request: Request): string | undefined {
  const header = request.header('authorization');
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}
