// Forwards the browser's API calls to the API, so the portal needs no CORS and the API's address
// (PORTAL_API_URL, else http://127.0.0.1:$API_PORT) is read when the server starts, not at build.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'content-length', 'accept-encoding']);

function apiBase(): string {
  return (process.env.PORTAL_API_URL || `http://127.0.0.1:${process.env.API_PORT || '8000'}`).replace(/\/$/, '');
}

/** Sends `request` on to the API at `apiPath` (already URL-encoded) and relays the answer. */
export async function forward(request: Request, apiPath: string): Promise<Response> {
  const incoming = new URL(request.url);
  const target = `${apiBase()}${apiPath}${incoming.search}`;
  const headers = new Headers();
  request.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name.toLowerCase())) headers.set(name, value);
  });
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  try {
    const upstream = await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
      cache: 'no-store',
      redirect: 'manual',
    });
    const responseHeaders = new Headers();
    upstream.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name.toLowerCase()) && name.toLowerCase() !== 'content-encoding') responseHeaders.set(name, value);
    });
    return new Response(upstream.status === 204 ? null : await upstream.arrayBuffer(), { status: upstream.status, headers: responseHeaders });
  } catch {
    return Response.json(
      { statusCode: 503, error: 'Service Unavailable', message: 'The portal cannot reach the API. Is it running?', correlationId: '' },
      { status: 503 },
    );
  }
}
