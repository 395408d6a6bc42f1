import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiNotFoundResponse, ApiResponse, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '@spot/contracts';

/** Security schemes of the OpenAPI document. */
export const SECURITY = { user: 'user-jwt', client: 'client-token', agent: 'agent-token' } as const;

/** The error answers every authenticated route can give, documented once. */
export const ApiStandardErrors = (...extra: Array<'not_found' | 'conflict' | 'forbidden' | 'rate_limited'>) =>
  applyDecorators(
    ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid input; details.fields names each offending field' }),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing, invalid, expired or revoked credentials' }),
    ...(extra.includes('forbidden') ? [ApiResponse({ status: 403, type: ErrorResponseDto, description: 'Credentials valid but not allowed here' })] : []),
    ...(extra.includes('not_found') ? [ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Does not exist, or is not yours' })] : []),
    ...(extra.includes('conflict') ? [ApiResponse({ status: 409, type: ErrorResponseDto, description: 'Conflicts with current state (duplicate, limit reached)' })] : []),
    ...(extra.includes('rate_limited') ? [ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'Rate limit hit; see Retry-After' })] : []),
  );

export const ApiUserAuth = () => ApiBearerAuth(SECURITY.user);
