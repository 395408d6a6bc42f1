/**
 * Libs throw DomainError and never HTTP exceptions; each app maps `kind` to its transport
 * in one place (the API's error filter, the agent's and scheduler's loggers).
 */
export type DomainErrorKind =
  | 'invalid' // the request itself is wrong
  | 'unauthenticated' // no or bad credentials
  | 'forbidden' // credentials fine, action not allowed
  | 'not_found' // does not exist, or not visible to this caller
  | 'conflict' // clashes with current state (duplicates, limits)
  | 'rate_limited' // too many requests; retry later
  | 'unavailable'; // a dependency is down

export interface FieldProblem {
  field: string;
  problems: string[];
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    /** Stable machine-readable code, e.g. AGENT_LIMIT_REACHED. */
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static invalid(code: string, message: string, fields: FieldProblem[] = [], details: Record<string, unknown> = {}): DomainError {
    return new DomainError('invalid', code, message, fields.length ? { ...details, fields } : details);
  }

  static notFound(entity: string, id?: string): DomainError {
    const code = `${entity.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_NOT_FOUND`;
    return new DomainError('not_found', code, id ? `${entity} ${id} not found` : `${entity} not found`);
  }

  static unauthenticated(code: string, message: string): DomainError {
    return new DomainError('unauthenticated', code, message);
  }

  static forbidden(code: string, message: string): DomainError {
    return new DomainError('forbidden', code, message);
  }

  static conflict(code: string, message: string, details: Record<string, unknown> = {}): DomainError {
    return new DomainError('conflict', code, message, details);
  }

  static rateLimited(message: string, retryAfterSeconds: number, code = 'RATE_LIMITED'): DomainError {
    return new DomainError('rate_limited', code, message, { retryAfterSeconds });
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
