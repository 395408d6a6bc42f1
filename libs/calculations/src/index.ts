export {
  HOURS_PER_DAY,
  HOURS_PER_MONTH,
  HOURS_PER_YEAR,
  roundMoney,
  savingsPercent,
  savingsRate,
  projectHourly,
  costOver,
  lifetimeSavings,
  switchImpact,
} from './savings';
export type { SavingsRate, PriceSegment, CostSummary, PlacementPrice, SwitchImpact } from './savings';
export { replicaRoi } from './replica-roi';
export type { ReplicaRoiInput, ReplicaRoi } from './replica-roi';
