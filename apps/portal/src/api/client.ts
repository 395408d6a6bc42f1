// The only way the portal reaches the API: openapi-fetch on the types generated from openapi.json
// (npm run portal:client). Same-origin /api/* calls go through the portal's forwarding route.
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

const TOKEN_KEY = 'spot.portal.token';

export const session = {
  token(): string | null {
    return typeof window === 'undefined' ? null : window.localStorage.getItem(TOKEN_KEY);
  },
  save(token: string): void {
    window.localStorage.setItem(TOKEN_KEY, token);
  },
  clear(): void {
    window.localStorage.removeItem(TOKEN_KEY);
  },
};

const auth: Middleware = {
  onRequest({ request }) {
    const token = session.token();
    if (token && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response, request }) {
    // An expired or revoked session sends the user back to the login page.
    if (response.status === 401 && !new URL(request.url).pathname.startsWith('/api/auth/token') && typeof window !== 'undefined') {
      session.clear();
      if (!window.location.pathname.startsWith('/login')) window.location.assign('/login');
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: typeof window === 'undefined' ? 'http://localhost' : window.location.origin });
api.use(auth);

/** The message the API put in its error body (ErrorResponseDto), or a generic one. */
export function errorMessage(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error && typeof (error as { message: unknown }).message === 'string') {
    const e = error as Schemas['ErrorResponseDto'];
    // Validation errors name each wrong field with its problems; conflicts may list plain field names.
    const fields = (e.details?.fields ?? [])
      .filter((f) => f && typeof f === 'object' && Array.isArray(f.problems))
      .map((f) => `${f.field}: ${f.problems.join(', ')}`)
      .join('; ');
    return fields ? `${e.message} (${fields})` : e.message;
  }
  return 'The request failed.';
}
