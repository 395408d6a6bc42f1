/**
 * Savings arithmetic (seed 000 Calculation component): pure functions, no I/O. Prices are $/h;
 * a month is 730 hours (seed 001: "730 hrs × $0.0312 = $22.78/month"), a year 12 such months.
 */
export const HOURS_PER_DAY = 24;
export const HOURS_PER_MONTH = 730;
export const HOURS_PER_YEAR = HOURS_PER_MONTH * 12;

const MS_PER_HOUR = 3_600_000;

/** Rounds dollars to the 4 decimals the money columns keep. */
export function roundMoney(value: number, decimals = 4): number {
  const factor = 10 ** decimals;
  return Math.round((value + Number.EPSILON * Math.sign(value)) * factor) / factor;
}

/** Share of the on-demand price saved, in percent (0 when on-demand is unknown or free). */
export function savingsPercent(onDemandPricePerHour: number, actualPricePerHour: number): number {
  if (!(onDemandPricePerHour > 0)) return 0;
  return ((onDemandPricePerHour - actualPricePerHour) / onDemandPricePerHour) * 100;
}

export interface SavingsRate {
  hourly: number;
  daily: number;
  monthly: number;
  yearly: number;
  percent: number;
}

/** What paying `actual` instead of `onDemand` saves per hour, day, month (730 h) and year. */
export function savingsRate(onDemandPricePerHour: number, actualPricePerHour: number): SavingsRate {
  const hourly = onDemandPricePerHour - actualPricePerHour;
  return {
    hourly,
    daily: hourly * HOURS_PER_DAY,
    monthly: hourly * HOURS_PER_MONTH,
    yearly: hourly * HOURS_PER_YEAR,
    percent: savingsPercent(onDemandPricePerHour, actualPricePerHour),
  };
}

/** Dollars over the usual horizons for an hourly amount. */
export function projectHourly(perHour: number): { hourly: number; daily: number; monthly: number; yearly: number } {
  return { hourly: perHour, daily: perHour * HOURS_PER_DAY, monthly: perHour * HOURS_PER_MONTH, yearly: perHour * HOURS_PER_YEAR };
}

/** A stretch of time a workload ran at one price. Unknown prices leave the stretch out of costs. */
export interface PriceSegment {
  start: Date;
  /** Null: still running. */
  end: Date | null;
  pricePerHour: number | null;
  onDemandPricePerHour: number | null;
}

export interface CostSummary {
  /** Hours of segments with both prices known. */
  hours: number;
  onDemandCost: number;
  actualCost: number;
  savings: number;
  savingsPercent: number;
}

/** Cost and savings of the segments inside [from, to) (open segments run until `to`). */
export function costOver(segments: PriceSegment[], from: Date, to: Date): CostSummary {
  let hours = 0;
  let onDemandCost = 0;
  let actualCost = 0;
  for (const segment of segments) {
    if (segment.pricePerHour === null || segment.onDemandPricePerHour === null) continue;
    const start = Math.max(segment.start.getTime(), from.getTime());
    const end = Math.min((segment.end ?? to).getTime(), to.getTime());
    if (end <= start) continue;
    const h = (end - start) / MS_PER_HOUR;
    hours += h;
    onDemandCost += segment.onDemandPricePerHour * h;
    actualCost += segment.pricePerHour * h;
  }
  const savings = onDemandCost - actualCost;
  return { hours, onDemandCost, actualCost, savings, savingsPercent: onDemandCost > 0 ? (savings / onDemandCost) * 100 : 0 };
}

/** Everything saved by the segments up to `now`. */
export function lifetimeSavings(segments: PriceSegment[], now: Date): number {
  return costOver(segments, new Date(0), now).savings;
}

export interface PlacementPrice {
  pricePerHour: number;
  savingsPerHour: number;
  savingsPercent: number;
}

export interface SwitchImpact {
  before: PlacementPrice;
  after: PlacementPrice;
  /** before − after in $/h: positive means the switch saves money. */
  improvementPerHour: number;
  /** Improvement relative to the old price, in percent. */
  improvementPercent: number;
  projection: { daily: number; monthly: number; yearly: number };
}

/** Before/after of a move between two prices, against the same on-demand price (seed 000 Switch Impact). */
export function switchImpact(input: { oldPricePerHour: number; newPricePerHour: number; onDemandPricePerHour: number }): SwitchImpact {
  const placement = (price: number): PlacementPrice => ({
    pricePerHour: price,
    savingsPerHour: input.onDemandPricePerHour - price,
    savingsPercent: savingsPercent(input.onDemandPricePerHour, price),
  });
  const improvementPerHour = input.oldPricePerHour - input.newPricePerHour;
  const { daily, monthly, yearly } = projectHourly(improvementPerHour);
  return {
    before: placement(input.oldPricePerHour),
    after: placement(input.newPricePerHour),
    improvementPerHour,
    improvementPercent: input.oldPricePerHour > 0 ? (improvementPerHour / input.oldPricePerHour) * 100 : 0,
    projection: { daily, monthly, yearly },
  };
}
