/** The clean series is cut into 5-minute buckets (seed 004 Scenario 5). */
export const BUCKET_MS = 5 * 60 * 1000;
export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;

/** Start of the 5-minute bucket holding `at`. */
export function bucketStartOf(at: Date | number): Date {
  const ms = typeof at === 'number' ? at : at.getTime();
  return new Date(Math.floor(ms / BUCKET_MS) * BUCKET_MS);
}

export function hourStartOf(at: Date | number): Date {
  const ms = typeof at === 'number' ? at : at.getTime();
  return new Date(Math.floor(ms / HOUR_MS) * HOUR_MS);
}

/** Retention of each layer (seed 000 "temporary vs permanent"): hourly aggregates are kept for good. */
export const RETENTION = {
  rawMs: 7 * DAY_MS,
  cleanMs: 30 * DAY_MS,
} as const;

/** Confidence of a clean point by where it came from (seed 004 Scenario 5). */
export const CONFIDENCE = {
  primary: 1,
  replica: 0.95,
  short: 0.85,
  medium: 0.75,
  long: 0.7,
  /** A single client's unconfirmed jump, merged capped (DESIGN.md §9). */
  capped: 0.5,
} as const;
