import { StructuredLogger } from '@spot/core';
import { Mutation } from '../cloud-provider';
import { isDryRunSuccess, RetryPolicy, toDomainError, withRetries } from './aws-errors';

/**
 * Reads and mutations with our retries, safe mode and error mapping, shared by the AWS adapters.
 * EC2 takes DryRun; ELBv2 and Route 53 have none, so in safe mode `checkedSkip` runs a read that
 * proves the target exists and the credentials reach it, and reports what would have been done.
 */
export class AwsCallRunner {
  constructor(
    private readonly retry: RetryPolicy,
    private readonly isSafe: () => boolean,
    private readonly logger?: StructuredLogger,
  ) {}

  async read<T>(action: string, call: () => Promise<T>): Promise<T> {
    try {
      return await withRetries(call, this.retry, (attempt, delayMs, error) => this.logRetry(action, attempt, delayMs, error));
    } catch (error) {
      throw toDomainError(error, action);
    }
  }

  async mutate<O, T>(action: string, call: (dryRun: boolean) => Promise<O>, map: (out: O) => T): Promise<Mutation<T>> {
    const dryRun = this.isSafe();
    try {
      const out = await withRetries(() => call(dryRun), this.retry, (attempt, delayMs, error) => this.logRetry(action, attempt, delayMs, error));
      if (dryRun) return this.wouldExecute(action);
      return { dryRun: false, value: map(out) };
    } catch (error) {
      if (dryRun && isDryRunSuccess(error)) return this.wouldExecute(action);
      throw toDomainError(error, action);
    }
  }

  /** A mutation of an API without DryRun: in safe mode only `check` (a read) goes out. */
  async mutateWithoutDryRun<O, T>(action: string, check: () => Promise<unknown>, call: () => Promise<O>, map: (out: O) => T): Promise<Mutation<T>> {
    if (this.isSafe()) {
      await this.read(`${action} (safe-mode check)`, check);
      return this.wouldExecute(action);
    }
    const out = await this.read(action, call);
    return { dryRun: false, value: map(out) };
  }

  private wouldExecute(action: string): Mutation<never> {
    this.logger?.event({ level: 'info', component: 'CORE-EXEC', action: 'DRY-RUN', result: 'SKIPPED', message: `[SAFE_MODE] Would execute: ${action}` });
    return { dryRun: true, wouldExecute: action };
  }

  private logRetry(action: string, attempt: number, delayMs: number, error: unknown): void {
    this.logger?.event({
      level: 'warn',
      component: 'CORE-EXEC',
      action: 'AWS-RETRY',
      result: 'RETRY',
      message: `${action}: ${error instanceof Error ? error.name : String(error)}; attempt ${attempt + 1} in ${delayMs}ms`,
    });
  }
}
