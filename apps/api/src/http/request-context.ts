import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { acceptCorrelationId, CorrelationContext, StructuredLogger } from '@spot/core';

/**
 * Gives every request a correlation id (the caller's X-Correlation-Id when it is sane), echoes
 * it back, runs the rest of the request inside it, and logs the outcome in the seed-003 format.
 */
export function requestContext(logger: StructuredLogger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const correlationId = acceptCorrelationId(req.header('x-correlation-id')) ?? acceptCorrelationId(req.header('x-request-id')) ?? randomUUID();
    res.setHeader('X-Correlation-Id', correlationId);
    const started = performance.now();
    res.on('finish', () => {
      const status = res.statusCode;
      logger.event({
        level: status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info',
        component: 'CORE-API',
        action: `${req.method} ${req.originalUrl.split('?')[0]}`,
        result: status >= 400 ? 'FAILURE' : 'SUCCESS',
        durationMs: performance.now() - started,
        correlationId,
        fields: { status },
      });
    });
    CorrelationContext.run(correlationId, () => next());
  };
}
