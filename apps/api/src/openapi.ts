import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OpenAPIObject } from '@nestjs/swagger';
import { loadConfig, StructuredLogger } from '@spot/core';
import { buildOpenApiDocument, createApiApp } from './bootstrap';

/**
 * The OpenAPI document as the running API describes itself, built against a throwaway
 * in-memory database so it never depends on the local environment.
 */
export async function generateOpenApiDocument(): Promise<OpenAPIObject> {
  const config = loadConfig(
    { NODE_ENV: 'test', DATABASE_URL: 'sqlite::memory:', JWT_SECRET: 'openapi-generation-only-0123456789abcdef', LOG_LEVEL: 'error' },
    { devSecretFile: null },
  );
  const app = await createApiApp(config, new StructuredLogger({ level: 'error' }));
  try {
    return buildOpenApiDocument(app, config);
  } finally {
    await app.close();
  }
}

export function serializeOpenApi(document: OpenAPIObject): string {
  return JSON.stringify(document, null, 2) + '\n';
}

if (require.main === module) {
  const target = resolve(process.argv[2] ?? 'openapi.json');
  generateOpenApiDocument()
    .then((document) => {
      writeFileSync(target, serializeOpenApi(document));
      process.stdout.write(`wrote ${target} (${Object.keys(document.paths).length} paths)\n`);
    })
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    });
}
