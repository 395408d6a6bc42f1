import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOpenApiDocument, serializeOpenApi } from '../src/openapi';

describe('openapi.json', () => {
  it('is current: regenerate it with `npm run openapi` after changing the API', async () => {
    const committed = readFileSync(join(__dirname, '../../../openapi.json'), 'utf8');
    const current = serializeOpenApi(await generateOpenApiDocument());
    expect(current === committed ? 'current' : 'stale: run `npm run openapi` and commit openapi.json').toBe('current');
  });

  it('names every operation after its controller method, once', async () => {
    const document = await generateOpenApiDocument();
    const ids = Object.values(document.paths).flatMap((item) => Object.values(item as Record<string, { operationId: string }>).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['registerAgent', 'recordHeartbeat', 'getAgentConfig', 'signup', 'issueToken', 'createClient', 'listClients']));
  });

  it('documents the three credentials and the error body', async () => {
    const document = await generateOpenApiDocument();
    expect(Object.keys(document.components?.securitySchemes ?? {}).sort()).toEqual(['agent-token', 'client-token', 'user-jwt']);
    expect(document.components?.schemas?.ErrorResponseDto).toBeDefined();
  });
});
