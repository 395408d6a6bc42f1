import { forward } from '../../src/server/forward';

// The API's /health, for the system-health page.
export const dynamic = 'force-dynamic';

export function GET(request: Request): Promise<Response> {
  return forward(request, '/health');
}
