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

type ErrorLike = { name?: unknown; message?: unknown; code?: unknown; cause?: unknown; errors?: unknown };

// Duck-typed: errors from fetch may come from another realm (e.g. a test sandbox), where instanceof fails.
const asError = (value: unknown): ErrorLike | undefined => (value && typeof value === 'object' ? (value as ErrorLike) : undefined);

/** "connection refused (ECONNREFUSED)", "no answer within 2000 ms", … */
export function describeNetworkError(error: unknown, timeoutMs?: number): string {
  const outer = asError(error);
  if (outer?.name === 'TimeoutError' || outer?.name === 'AbortError') return `no answer within ${timeoutMs ?? '?'} ms`;
  let cause = asError(outer?.cause);
  // An AggregateError (IPv4 and IPv6 both refused) carries its errors inside.
  if (cause && Array.isArray(cause.errors) && cause.errors.length && cause.code === undefined) cause = asError(cause.errors[0]);
  if (typeof cause?.code === 'string') return `${PLAIN[cause.code] ?? (typeof cause.message === 'string' ? cause.message : cause.code)} (${cause.code})`;
  if (typeof cause?.message === 'string' && cause.message) return cause.message;
  return typeof outer?.message === 'string' ? outer.message : String(error);
}
