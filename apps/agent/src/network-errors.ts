/** Node's fetch says only "fetch failed"; the real cause (a refused port, a timeout…) is in `cause`. */
const PLAIN: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'name lookup failed (DNS)',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
};

/** "connection refused (ECONNREFUSED)", "no answer within 2000 ms", … */
export function describeNetworkError(error: unknown, timeoutMs?: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs ?? '?'} ms`;
  let cause: unknown = error instanceof Error ? error.cause : undefined;
  // An AggregateError (IPv4 and IPv6 both refused) carries its errors inside.
  if (cause instanceof AggregateError && cause.errors.length) cause = cause.errors[0];
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return `${PLAIN[code] ?? (cause as Error).message ?? code} (${code})`;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
