import { costOver, HOURS_PER_MONTH, HOURS_PER_YEAR, lifetimeSavings, replicaRoi, roundMoney, savingsPercent, savingsRate, switchImpact } from '@spot/calculations';

const at = (iso: string) => new Date(iso);

describe('savings', () => {
  it('uses 730-hour months and 12 of them a year', () => {
    expect(HOURS_PER_MONTH).toBe(730);
    expect(HOURS_PER_YEAR).toBe(8760);
  });

  it("computes Sarah's savings (seed 001): $0.50 on-demand vs $0.12 spot", () => {
    const rate = savingsRate(0.5, 0.12);
    expect(rate.hourly).toBeCloseTo(0.38, 10);
    expect(rate.daily).toBeCloseTo(9.12, 10); // "saving $9.12/day"
    expect(rate.monthly).toBeCloseTo(277.4, 10);
    expect(rate.yearly).toBeCloseTo(3328.8, 10);
    expect(rate.percent).toBeCloseTo(76, 10); // "Potential savings: 76%"
  });

  it('prices a month like the seed: 730 h × $0.0312 = $22.78', () => {
    expect(roundMoney(0.0312 * HOURS_PER_MONTH, 2)).toBe(22.78);
    expect(roundMoney(-0.00005)).toBe(-0.0001);
  });

  it('treats an unknown or zero on-demand price as no savings percent', () => {
    expect(savingsPercent(0, 0.1)).toBe(0);
    expect(savingsPercent(0.1, 0.15)).toBeCloseTo(-50, 10);
  });

  it('sums cost and savings of price segments clipped to a window', () => {
    const segments = [
      { start: at('2026-11-23T18:00:00Z'), end: at('2026-11-24T06:00:00Z'), pricePerHour: 0.5, onDemandPricePerHour: 0.5 },
      { start: at('2026-11-24T06:00:00Z'), end: null, pricePerHour: 0.12, onDemandPricePerHour: 0.5 },
      { start: at('2026-11-24T01:00:00Z'), end: at('2026-11-24T02:00:00Z'), pricePerHour: null, onDemandPricePerHour: 0.5 },
    ];
    const day = costOver(segments, at('2026-11-24T00:00:00Z'), at('2026-11-25T00:00:00Z'));
    expect(day.hours).toBeCloseTo(24, 10);
    expect(day.onDemandCost).toBeCloseTo(12, 10);
    expect(day.actualCost).toBeCloseTo(6 * 0.5 + 18 * 0.12, 10);
    expect(day.savings).toBeCloseTo(18 * 0.38, 10);
    expect(day.savingsPercent).toBeCloseTo(((18 * 0.38) / 12) * 100, 10);
    expect(lifetimeSavings(segments, at('2026-11-24T16:00:00Z'))).toBeCloseTo(10 * 0.38, 10);
    expect(costOver([], at('2026-11-24T00:00:00Z'), at('2026-11-25T00:00:00Z'))).toEqual({ hours: 0, onDemandCost: 0, actualCost: 0, savings: 0, savingsPercent: 0 });
  });
});

describe('switch impact', () => {
  it('shows before/after, the improvement and its projection (seed 001 Day 5: $0.35 → $0.10)', () => {
    const impact = switchImpact({ oldPricePerHour: 0.35, newPricePerHour: 0.1, onDemandPricePerHour: 0.5 });
    expect(impact.before).toEqual({ pricePerHour: 0.35, savingsPerHour: expect.closeTo(0.15, 10), savingsPercent: expect.closeTo(30, 10) });
    expect(impact.after).toEqual({ pricePerHour: 0.1, savingsPerHour: expect.closeTo(0.4, 10), savingsPercent: expect.closeTo(80, 10) });
    expect(impact.improvementPerHour).toBeCloseTo(0.25, 10); // "saves $0.25/hour"
    expect(impact.improvementPercent).toBeCloseTo((0.25 / 0.35) * 100, 10);
    expect(impact.projection.daily).toBeCloseTo(6, 10);
    expect(impact.projection.monthly).toBeCloseTo(182.5, 10);
    expect(impact.projection.yearly).toBeCloseTo(2190, 10);
  });

  it('reports a move back to on-demand as a negative improvement', () => {
    const impact = switchImpact({ oldPricePerHour: 0.0416, newPricePerHour: 0.096, onDemandPricePerHour: 0.096 });
    expect(impact.improvementPerHour).toBeLessThan(0);
    expect(impact.after.savingsPercent).toBe(0);
  });
});

describe('replica ROI', () => {
  it("prices a continuous replica like seed 001's manual mode and compares it with the downtime it avoids", () => {
    const roi = replicaRoi({
      replicaPricePerHour: 0.0312,
      interruptionsPerMonth: 2,
      downtimeMinutesWithoutReplica: 2,
      downtimeMinutesWithReplica: 5 / 60,
      downtimeCostPerHour: 600,
    });
    expect(roundMoney(roi.replicaCostPerMonth, 2)).toBe(22.78);
    expect(roi.downtimeMinutesAvoidedPerMonth).toBeCloseTo(2 * (2 - 5 / 60), 10);
    expect(roi.valueOfDowntimeAvoidedPerMonth).toBeCloseTo((roi.downtimeMinutesAvoidedPerMonth / 60) * 600, 10);
    expect(roi.netBenefitPerMonth).toBeCloseTo(roi.valueOfDowntimeAvoidedPerMonth - roi.replicaCostPerMonth, 10);
    expect(roi.worthIt).toBe(true);
    // At the break-even downtime cost the replica exactly pays for itself.
    const even = replicaRoi({ replicaPricePerHour: 0.0312, interruptionsPerMonth: 2, downtimeMinutesWithoutReplica: 2, downtimeMinutesWithReplica: 5 / 60, downtimeCostPerHour: roi.breakEvenDowntimeCostPerHour! });
    expect(even.netBenefitPerMonth).toBeCloseTo(0, 8);
    expect(roi.breakEvenInterruptionsPerMonth! * ((2 - 5 / 60) / 60) * 600).toBeCloseTo(roi.replicaCostPerMonth, 8);
  });

  it('says a replica is not worth it when downtime is cheap, and has no break-even when it avoids nothing', () => {
    const cheap = replicaRoi({ replicaPricePerHour: 0.0312, replicaHoursPerMonth: 10, interruptionsPerMonth: 1, downtimeMinutesWithoutReplica: 1, downtimeCostPerHour: 1 });
    expect(cheap.replicaCostPerMonth).toBeCloseTo(0.312, 10);
    expect(cheap.worthIt).toBe(false);
    expect(cheap.roiPercent).toBeLessThan(0);
    const none = replicaRoi({ replicaPricePerHour: 0.03, interruptionsPerMonth: 0, downtimeMinutesWithoutReplica: 2, downtimeCostPerHour: 100 });
    expect(none.breakEvenDowntimeCostPerHour).toBeNull();
    expect(replicaRoi({ replicaPricePerHour: 0, interruptionsPerMonth: 1, downtimeMinutesWithoutReplica: 1, downtimeCostPerHour: 0 }).roiPercent).toBeNull();
  });
});
