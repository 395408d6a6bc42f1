import { DomainError } from '@spot/core';

/** AWS error codes worth retrying after a pause: throttling and transient server trouble. */
const RETRYABLE = new Set(['RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'InternalError', 'ServiceUnavailable', 'Unavailable', 'PriorRequestNotComplete']);

export function awsErrorCode(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as { name?: unknown; Code?: unknown; code?: unknown };
  const code = e.Code ?? e.code ?? e.name;
  return typeof code === 'string' ? code : undefined;
}

export const isDryRunSuccess = (error: unknown) => awsErrorCode(error) === 'DryRunOperation';

/**
 * The SDK's error when an answer is not the XML/JSON it expected (a proxy's or a server's HTML
 * error page, e.g. moto's 500 for CreateImage with snapshot tags, docs/continuity.md): its
 * message is a parser's ("XML parse error: mismatched tags <html> and </title>"). This makes
 * it say what came back: the HTTP status and the page's title or first words.
 */
export function unreadableAnswer(error: unknown): { status: number | undefined; summary: string } | undefined {
  if (!(error instanceof Error)) return undefined;
  const e = error as Error & { $responseBodyText?: unknown; $metadata?: { httpStatusCode?: number }; $response?: { statusCode?: number } };
  const parseFailed = /parse error|Deserialization error|Unexpected token|not valid JSON/i.test(e.message);
  if (!parseFailed) return undefined;
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const body = typeof e.$responseBodyText === 'string' ? e.$responseBodyText : '';
  const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1]?.trim();
  const text = body
    .replace(/<title>[^<]*<\/title>/i, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const first = text.length > 160 ? `${text.slice(0, 160)}…` : text;
  const summary = [title, first && first !== title ? first : undefined].filter(Boolean).join(': ') || 'an empty body';
  return { status, summary };
}
export const isRetryable = (error: unknown) => RETRYABLE.has(awsErrorCode(error) ?? '');

/** One place where EC2/STS errors become domain errors the agent can act on. */
export function toDomainError(error: unknown, action: string): DomainError {
  if (error instanceof DomainError) return error;
  const unreadable = unreadableAnswer(error);
  if (unreadable) {
    return new DomainError(
      'unavailable',
      'AWS_BAD_RESPONSE',
      `${action}: the endpoint answered HTTP ${unreadable.status ?? '?'} with a page that is not an AWS answer (${unreadable.summary})`,
      { aws_code: 'NonXmlResponse', action, http_status: unreadable.status ?? null },
    );
  }
  const code = awsErrorCode(error) ?? 'Unknown';
  const message = error instanceof Error ? error.message : String(error);
  const details = { aws_code: code, action };
  switch (code) {
    case 'InsufficientInstanceCapacity':
      return new DomainError('unavailable', 'INSUFFICIENT_CAPACITY', `${action}: AWS has no capacity for this request right now (${message})`, details);
    case 'SpotMaxPriceTooLow':
      return new DomainError('conflict', 'SPOT_MAX_PRICE_TOO_LOW', `${action}: the spot price is above the maximum price offered (${message})`, details);
    case 'InvalidInstanceID.NotFound':
    case 'InvalidInstanceID.Malformed':
      return new DomainError('not_found', 'INSTANCE_NOT_FOUND', `${action}: ${message}`, details);
    case 'InvalidAMIID.NotFound':
    case 'InvalidAMIID.Unavailable':
      return new DomainError('not_found', 'IMAGE_NOT_FOUND', `${action}: ${message}`, details);
    case 'InvalidSnapshot.NotFound':
      return new DomainError('not_found', 'SNAPSHOT_NOT_FOUND', `${action}: ${message}`, details);
    case 'InvalidVolume.NotFound':
    case 'InvalidVolume.ZoneMismatch':
    case 'InvalidAllocationID.NotFound':
    case 'InvalidAddress.NotFound':
    case 'InvalidNetworkInterfaceID.NotFound':
    case 'InvalidAttachmentID.NotFound':
    case 'InvalidAssociationID.NotFound':
    case 'TargetGroupNotFound':
    case 'TargetGroupNotFoundException':
    case 'NoSuchHostedZone':
    case 'NoSuchChange':
      return new DomainError('not_found', code === 'InvalidVolume.ZoneMismatch' ? 'VOLUME_ZONE_MISMATCH' : 'CLOUD_RESOURCE_NOT_FOUND', `${action}: ${message}`, details);
    case 'IncorrectState':
    case 'IncorrectInstanceState':
    case 'VolumeInUse':
    case 'InvalidVolume.InUse':
    case 'Resource.AlreadyAssociated':
    case 'InvalidParameterCombination':
    case 'PriorRequestNotComplete':
      return new DomainError('conflict', 'CLOUD_RESOURCE_BUSY', `${action}: ${message}`, details);
    case 'InvalidTarget':
    case 'InvalidTargetException':
    case 'InvalidChangeBatch':
    case 'InvalidInput':
    case 'ValidationError':
    case 'InvalidParameterValue':
      return new DomainError('invalid', 'CLOUD_REQUEST_INVALID', `${action}: ${message}`, details);
    case 'UnauthorizedOperation':
    case 'AccessDenied':
    case 'AccessDeniedException':
      return new DomainError('forbidden', 'AWS_UNAUTHORIZED', `${action}: the credentials are not allowed to do this (${message})`, details);
    case 'RequestLimitExceeded':
    case 'Throttling':
    case 'ThrottlingException':
      return new DomainError('rate_limited', 'AWS_RATE_LIMITED', `${action}: AWS kept throttling the requests (${message})`, details);
    default:
      return new DomainError('unavailable', 'AWS_ERROR', `${action}: ${code}: ${message}`, details);
  }
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Injected so tests are instant. */
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter. */
  random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 200,
  maxDelayMs: 20_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** Exponential backoff with full jitter (AWS's advice): attempt n waits uniform [0, min(max, base·2ⁿ)). */
export function backoffDelayMs(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(policy.random() * ceiling);
}

export async function withRetries<T>(call: () => Promise<T>, policy: RetryPolicy, onRetry?: (attempt: number, delayMs: number, error: unknown) => void): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isRetryable(error) || attempt + 1 >= policy.maxAttempts) throw error;
      const delayMs = backoffDelayMs(attempt, policy);
      onRetry?.(attempt + 1, delayMs, error);
      await policy.sleep(delayMs);
    }
  }
}
