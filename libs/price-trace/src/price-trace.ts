/** The clean series' step: one observation per pool every 5 minutes (the data valve's bucket). */
export const TRACE_STEP_MS = 5 * 60_000;

/** One row of a DescribeSpotPriceHistory export: the price of a pool from `at` on. */
export interface PriceChange {
  at: Date;
  instanceType: string;
  az: string;
  price: number;
}

export interface SampledObservation {
  instanceType: string;
  az: string;
  spotPrice: number;
  observedAt: Date;
}

/**
 * Parses `timestamp,instance_type,az,price` (header optional, in any order of those names).
 * Bad lines are reported with their line number rather than skipped silently.
 */
export function parsePriceTrace(csv: string): { changes: PriceChange[]; errors: string[] } {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const errors: string[] = [];
  let columns = { at: 0, instanceType: 1, az: 2, price: 3 };
  let first = 0;
  if (lines.length && /timestamp/i.test(lines[0])) {
    const names = lines[0].split(',').map((n) => n.trim().toLowerCase());
    const at = names.findIndex((n) => n === 'timestamp');
    const instanceType = names.findIndex((n) => n === 'instance_type' || n === 'instancetype');
    const az = names.findIndex((n) => n === 'az' || n === 'availability_zone' || n === 'availabilityzone');
    const price = names.findIndex((n) => n === 'price' || n === 'spot_price' || n === 'spotprice');
    if ([at, instanceType, az, price].some((i) => i < 0)) throw new Error('CSV header must name timestamp, instance_type, az and price');
    columns = { at, instanceType, az, price };
    first = 1;
  }
  const changes: PriceChange[] = [];
  for (let i = first; i < lines.length; i++) {
    const cells = lines[i].split(',').map((c) => c.trim());
    const at = new Date(cells[columns.at]);
    const price = Number(cells[columns.price]);
    if (Number.isNaN(at.getTime()) || !Number.isFinite(price) || !cells[columns.instanceType] || !cells[columns.az]) {
      errors.push(`line ${i + 1}: cannot read "${lines[i]}"`);
      continue;
    }
    changes.push({ at, instanceType: cells[columns.instanceType], az: cells[columns.az], price });
  }
  changes.sort((a, b) => a.at.getTime() - b.at.getTime());
  return { changes, errors };
}

/** eu-west-1a → eu-west-1 (also local zones: us-west-2-lax-1a → us-west-2). */
export function regionOfAz(az: string): string {
  const match = /^([a-z]{2}(?:-gov)?-[a-z]+-\d+)/.exec(az);
  if (!match) throw new Error(`cannot tell the region of availability zone ${az}`);
  return match[1];
}

/**
 * AWS price history is a step function (a row only when the price changes). This samples it
 * into one observation per pool every 5 minutes, carrying the last price forward, from each
 * pool's first change to `until` (default: the last change of the trace), in time order.
 */
export function* sampleStepTrace(changes: PriceChange[], options: { until?: Date; stepMs?: number } = {}): Generator<SampledObservation> {
  if (changes.length === 0) return;
  const step = options.stepMs ?? TRACE_STEP_MS;
  const until = (options.until ?? changes[changes.length - 1].at).getTime();
  const start = Math.ceil(changes[0].at.getTime() / step) * step;
  const current = new Map<string, { instanceType: string; az: string; price: number }>();
  let next = 0;
  for (let t = start; t <= until; t += step) {
    while (next < changes.length && changes[next].at.getTime() <= t) {
      const c = changes[next++];
      current.set(`${c.instanceType}.${c.az}`, { instanceType: c.instanceType, az: c.az, price: c.price });
    }
    const observedAt = new Date(t);
    for (const pool of current.values()) yield { instanceType: pool.instanceType, az: pool.az, spotPrice: pool.price, observedAt };
  }
}

/** How many observations sampleStepTrace yields (for progress bars). */
export function countSampledObservations(changes: PriceChange[], options: { until?: Date; stepMs?: number } = {}): number {
  if (changes.length === 0) return 0;
  const step = options.stepMs ?? TRACE_STEP_MS;
  const until = (options.until ?? changes[changes.length - 1].at).getTime();
  const firstSeen = new Map<string, number>();
  for (const c of changes) if (!firstSeen.has(`${c.instanceType}.${c.az}`)) firstSeen.set(`${c.instanceType}.${c.az}`, c.at.getTime());
  let total = 0;
  for (const at of firstSeen.values()) {
    const first = Math.ceil(at / step) * step;
    if (first <= until) total += Math.floor((until - first) / step) + 1;
  }
  return total;
}
