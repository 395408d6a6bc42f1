const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The period of each scheduled job, matching its @Cron expression: a job runs at most once per
 * period across every scheduler process (JobRunner claims the period's start in
 * `scheduler_job_periods`). Cron fires on the period's boundary (or a fixed offset into it, e.g.
 * hourly at :05), so every scheduler maps a firing to the same period start.
 */
export const JOB_PERIODS_MS: Readonly<Record<string, number>> = {
  'purge-revoked-tokens': HOUR,
  'fill-price-gaps': 15 * MINUTE,
  'aggregate-prices-hourly': HOUR,
  'purge-old-prices': DAY,
  'decision-loop': 5 * MINUTE,
  'expire-commands': MINUTE,
  'savings-snapshots': DAY,
  'health-monitor': 5 * MINUTE,
  'replica-coordinator': 10 * SECOND,
  'emergency-queue': 2 * SECOND, // its cron: the admission bucket refills between runs (docs/emergency-admission.md)
  'client-growth-snapshot': DAY,
  'replica-timeouts': MINUTE,
  'leftover-termination': MINUTE,
  'refresh-ondemand-prices': HOUR,
  'refresh-spot-advisor': 6 * HOUR,
  'confirm-held-prices': 5 * MINUTE,
};

/** Claims older than this many periods (and at least a day) are pruned. */
export const JOB_PERIODS_KEPT = 10;

/** The start of the period `atMs` falls in (periods are aligned on the Unix epoch, i.e. UTC). */
export function periodStartOf(atMs: number, periodMs: number): Date {
  return new Date(Math.floor(atMs / periodMs) * periodMs);
}
