import { AsyncLocalStorage } from 'node:async_hooks';

/** Carries the request's correlation id through async calls so every log line can name it. */
const storage = new AsyncLocalStorage<{ correlationId: string }>();

export const CorrelationContext = {
  run<T>(correlationId: string, fn: () => T): T {
    return storage.run({ correlationId }, fn);
  },
  current(): string | undefined {
    return storage.getStore()?.correlationId;
  },
};

const VALID_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Accepts a caller's id when it is safe to log and echo; otherwise the caller gets a fresh one. */
export function acceptCorrelationId(candidate: unknown): string | undefined {
  return typeof candidate === 'string' && VALID_ID.test(candidate) ? candidate : undefined;
}
