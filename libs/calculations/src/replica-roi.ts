import { HOURS_PER_MONTH } from './savings';

export interface ReplicaRoiInput {
  replicaPricePerHour: number;
  /** Hours a month the replica runs: 730 for a continuous manual replica, ~10 for emergency ones (seed 001). */
  replicaHoursPerMonth?: number;
  /** Expected interruptions a month (e.g. the Spot Advisor rate of the pool). */
  interruptionsPerMonth: number;
  /** Downtime of one interruption without a ready replica (boot from snapshot: 30–120 s). */
  downtimeMinutesWithoutReplica: number;
  /** Downtime of one interruption with a ready replica (promotion: seconds). */
  downtimeMinutesWithReplica?: number;
  /** What an hour of the workload being down costs its owner. */
  downtimeCostPerHour: number;
}

export interface ReplicaRoi {
  replicaCostPerMonth: number;
  downtimeMinutesAvoidedPerMonth: number;
  valueOfDowntimeAvoidedPerMonth: number;
  /** Value of the downtime avoided minus what the replica costs. */
  netBenefitPerMonth: number;
  /** Net benefit over cost, in percent; null when the replica is free. */
  roiPercent: number | null;
  /** Cost of an hour of downtime at which the replica pays for itself; null when it avoids nothing. */
  breakEvenDowntimeCostPerHour: number | null;
  /** Interruptions a month at which the replica pays for itself; null when an interruption costs nothing. */
  breakEvenInterruptionsPerMonth: number | null;
  worthIt: boolean;
}

/** Replica cost against the value of the downtime it avoids (seed 000 ROI Analysis). */
export function replicaRoi(input: ReplicaRoiInput): ReplicaRoi {
  const replicaCostPerMonth = input.replicaPricePerHour * (input.replicaHoursPerMonth ?? HOURS_PER_MONTH);
  const avoidedPerInterruption = Math.max(0, input.downtimeMinutesWithoutReplica - (input.downtimeMinutesWithReplica ?? 0));
  const downtimeMinutesAvoidedPerMonth = input.interruptionsPerMonth * avoidedPerInterruption;
  const valueOfDowntimeAvoidedPerMonth = (downtimeMinutesAvoidedPerMonth / 60) * input.downtimeCostPerHour;
  const netBenefitPerMonth = valueOfDowntimeAvoidedPerMonth - replicaCostPerMonth;
  const valuePerInterruption = (avoidedPerInterruption / 60) * input.downtimeCostPerHour;
  return {
    replicaCostPerMonth,
    downtimeMinutesAvoidedPerMonth,
    valueOfDowntimeAvoidedPerMonth,
    netBenefitPerMonth,
    roiPercent: replicaCostPerMonth > 0 ? (netBenefitPerMonth / replicaCostPerMonth) * 100 : null,
    breakEvenDowntimeCostPerHour: downtimeMinutesAvoidedPerMonth > 0 ? replicaCostPerMonth / (downtimeMinutesAvoidedPerMonth / 60) : null,
    breakEvenInterruptionsPerMonth: valuePerInterruption > 0 ? replicaCostPerMonth / valuePerInterruption : null,
    worthIt: netBenefitPerMonth >= 0,
  };
}
