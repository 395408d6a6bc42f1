import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import express, { NextFunction, Request, Response } from 'express';
import { SpotConfig, StructuredLogger } from '@spot/core';
import { ApiModule } from './api.module';
import { SECURITY } from './controllers/api-docs';
import { ApiErrorFilter, sendError } from './http/error-filter';
import { requestContext } from './http/request-context';
import { jsonBodyParser } from './http/json-body';
import { createValidationPipe } from './http/validation';

export const OPENAPI_JSON_PATH = 'api/openapi.json';
export const SWAGGER_UI_PATH = 'api/docs';

/** Applies what every API process needs, in tests as in production. */
export function configureApiApp(app: INestApplication, config: SpotConfig): OpenAPIObject {
  const logger = app.get(StructuredLogger);
  const http = app.getHttpAdapter().getInstance() as express.Express;
  http.disable('x-powered-by');
  http.set('trust proxy', config.http.trustProxy);
  // Correlation first, so even a body that fails to parse gets an id and the standard error body.
  app.use(requestContext(logger));
  app.use(jsonBodyParser());
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => sendError(error, req, res, logger));
  app.enableCors({ origin: config.http.corsOrigins, exposedHeaders: ['X-Correlation-Id', 'Retry-After'] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiErrorFilter(logger));
  app.enableShutdownHooks();
  const document = buildOpenApiDocument(app, config);
  SwaggerModule.setup(SWAGGER_UI_PATH, app, document, { jsonDocumentUrl: OPENAPI_JSON_PATH, customSiteTitle: 'Spot Optimizer API' });
  return document;
}

export function buildOpenApiDocument(app: INestApplication, config: SpotConfig): OpenAPIObject {
  const bearer = (description: string, format?: string) => ({ type: 'http' as const, scheme: 'bearer', bearerFormat: format, description });
  const builder = new DocumentBuilder()
    .setTitle('Spot Optimizer API')
    .setDescription(
      'Control plane of Spot Optimizer: agents register and report, people and integrations read and steer. ' +
        'Every error answers {statusCode, error, message, details?, correlationId}.',
    )
    .setVersion(config.version)
    .addBearerAuth(bearer('User JWT from POST /api/auth/token (24 h)', 'JWT'), SECURITY.user)
    .addBearerAuth(bearer('Client token (spc_…) shown once when the client is created'), SECURITY.client)
    .addBearerAuth(bearer('Agent token from POST /api/agents/register, valid for that agent only', 'JWT'), SECURITY.agent)
    .build();
  return SwaggerModule.createDocument(app, builder, { operationIdFactory: (_controller, method) => method });
}

/** Builds and initialises the API application without listening. */
export async function createApiApp(config: SpotConfig, logger: StructuredLogger): Promise<INestApplication> {
  const app = await NestFactory.create(ApiModule.forRoot(config, logger), { logger, bodyParser: false, abortOnError: false });
  configureApiApp(app, config);
  await app.init();
  return app;
}
