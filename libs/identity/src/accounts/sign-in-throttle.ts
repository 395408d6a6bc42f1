import { DomainError, RateLimiter } from '@spot/core';
import { NotificationService } from '@spot/notifications';
import { SystemEventLog, UserEntity } from '@spot/persistence';

export interface AccountSignInLimits {
  /** Password checks per account per minute (a successful sign-in clears the count). */
  checksPerMinute: number;
  /** Wrong passwords within `lockoutMs` that lock the account's sign-in for `lockoutMs`. */
  lockoutFailures: number;
  lockoutMs: number;
}

const MINUTE_MS = 60_000;

/**
 * The per-account sign-in limit beside the per-address one (issue 22, finding 9): 100 wrong
 * passwords against one account from 20 addresses must not all be checked. Keyed by the e-mail
 * given, whether or not an account has it, so the answers do not tell which e-mails exist.
 * - Backoff: at most `checksPerMinute` passwords of one account are checked per minute. The slot is
 *   taken before the check, atomically in the shared limiter, so concurrent attempts cannot all
 *   slip through; past it, sign-in answers 429 with Retry-After until the minute has room.
 * - Lockout: the `lockoutFailures`-th wrong password within `lockoutMs` locks sign-in for
 *   `lockoutMs` (even with the right password), and the account's users are notified once.
 * Counters live behind the RateLimiter port, so they hold across API processes and restarts.
 */
export class SignInThrottle {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly notifications: NotificationService,
    private readonly events: SystemEventLog,
    private readonly limits: AccountSignInLimits,
  ) {}

  /** Takes one password check of the account's allowance, or refuses (nothing is checked then). */
  async admit(email: string): Promise<void> {
    const account = accountKeyOf(email);
    const lock = await this.limiter.peek(lockKey(account), 1, this.limits.lockoutMs);
    if (!lock.allowed) {
      throw DomainError.rateLimited('Sign-in to this account is locked after too many wrong passwords; try again later', seconds(lock.retryAfterMs), 'ACCOUNT_LOCKED');
    }
    const check = await this.limiter.hit(checksKey(account), this.limits.checksPerMinute, MINUTE_MS);
    if (!check.allowed) {
      throw DomainError.rateLimited(
        `Too many sign-in attempts for this account: at most ${this.limits.checksPerMinute} a minute`,
        seconds(check.retryAfterMs),
        'ACCOUNT_BACKOFF',
      );
    }
  }

  /** A wrong password (or unknown e-mail): counts toward the lockout, and locks at the threshold. */
  async failed(email: string, user: UserEntity | null): Promise<void> {
    const account = accountKeyOf(email);
    const failures = await this.limiter.hit(failuresKey(account), this.limits.lockoutFailures, this.limits.lockoutMs);
    if (!failures.allowed || failures.remaining > 0) return;
    const lock = await this.limiter.hit(lockKey(account), 1, this.limits.lockoutMs);
    await this.limiter.reset(failuresKey(account)); // the next lockout counts from here
    if (!lock.allowed) return;
    const minutes = Math.round(this.limits.lockoutMs / MINUTE_MS);
    await this.events.record({
      eventType: 'auth.account-locked',
      component: 'CORE-IDENTITY',
      severity: 'warning',
      clientId: user?.clientId ?? null,
      message: `Sign-in locked for ${minutes} min after ${this.limits.lockoutFailures} wrong passwords`,
      metadata: { user_id: user?.id ?? null, known_account: user !== null },
    });
    if (!user) return;
    await this.notifications.notify({
      clientId: user.clientId,
      category: 'security',
      severity: 'warning',
      title: `Sign-in locked for ${user.email}`,
      message: `${this.limits.lockoutFailures} wrong passwords were tried for ${user.email} within ${minutes} minutes; sign-in to this account is locked for ${minutes} minutes. If this was not you, change the password once the lock ends.`,
      metadata: { user_id: user.id, lockout_minutes: minutes },
    });
  }

  /** The right password: the account's counts start again. */
  async succeeded(email: string): Promise<void> {
    const account = accountKeyOf(email);
    await this.limiter.reset(checksKey(account));
    await this.limiter.reset(failuresKey(account));
  }
}

const accountKeyOf = (email: string) => email.trim().toLowerCase();
const checksKey = (account: string) => `signin-checks:${account}`;
const failuresKey = (account: string) => `signin-failures:${account}`;
const lockKey = (account: string) => `signin-lock:${account}`;
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
