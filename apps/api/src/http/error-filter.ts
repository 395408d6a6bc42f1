import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { CorrelationContext, DomainError, DomainErrorKind, isDomainError, StructuredLogger } from '@spot/core';

const STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  rate_limited: HttpStatus.TOO_MANY_REQUESTS,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: Record<string, unknown>;
  correlationId: string;
}

/**
 * The one place where failures become HTTP answers, all with the same body:
 * {statusCode, error, message, details?, correlationId}. Used by the Nest filter and by the
 * Express error handler that catches body-parser failures before Nest sees the request.
 */
export function sendError(exception: unknown, request: Request, response: Response, logger: StructuredLogger): void {
  const correlationId = CorrelationContext.current() ?? String(response.getHeader('x-correlation-id') ?? '');
  const { status, body } = errorBody(exception, correlationId);
  if (status >= 500) {
    logger.event({
      level: 'error',
      component: 'CORE-API',
      action: `${request.method} ${request.path}`,
      result: 'ERROR',
      message: exception instanceof Error ? exception.message : String(exception),
      fields: { stack: exception instanceof Error ? exception.stack : undefined },
    });
  }
  if (status === HttpStatus.UNAUTHORIZED) response.setHeader('WWW-Authenticate', 'Bearer');
  const retryAfter = body.details?.retryAfterSeconds;
  if (status === HttpStatus.TOO_MANY_REQUESTS && typeof retryAfter === 'number') response.setHeader('Retry-After', String(retryAfter));
  if (!response.headersSent) response.status(status).json(body);
}

@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: StructuredLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(exception, http.getRequest<Request>(), http.getResponse<Response>(), this.logger);
  }
}

export function errorBody(exception: unknown, correlationId: string): { status: number; body: ErrorBody } {
  if (isDomainError(exception)) return fromDomain(exception, correlationId);
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const payload = exception.getResponse();
    const message =
      typeof payload === 'string'
        ? payload
        : Array.isArray((payload as { message?: unknown }).message)
          ? ((payload as { message: string[] }).message).join('; ')
          : String((payload as { message?: unknown }).message ?? exception.message);
    return { status, body: { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, correlationId } };
  }
  // Errors raised by Express's body parser carry their own 4xx status.
  const parserStatus = (exception as { status?: number; type?: string })?.status;
  if (typeof parserStatus === 'number' && parserStatus >= 400 && parserStatus < 500) {
    const message = (exception as { type?: string }).type === 'entity.parse.failed' ? 'Request body is not valid JSON' : (exception as Error).message;
    return { status: parserStatus, body: { statusCode: parserStatus, error: STATUS_CODES[parserStatus] ?? 'Error', message, correlationId } };
  }
  return {
    status: 500,
    body: { statusCode: 500, error: 'Internal Server Error', message: 'Something went wrong on our side; quote the correlation id when reporting it', correlationId },
  };
}

function fromDomain(error: DomainError, correlationId: string): { status: number; body: ErrorBody } {
  const status = STATUS_BY_KIND[error.kind];
  return {
    status,
    body: {
      statusCode: status,
      error: STATUS_CODES[status] ?? 'Error',
      message: error.message,
      details: { code: error.code, ...error.details },
      correlationId,
    },
  };
}
