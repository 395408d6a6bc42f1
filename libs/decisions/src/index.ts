export { SwitchRecorder, splitPoolId } from './switches/switch-recorder';
export type { SwitchInput, SwitchTimings, SwitchRecord, RecordedSwitch } from './switches/switch-recorder';
export { SavingsLedger, priceSegmentOf, utcDay } from './savings/savings-ledger';
export type { SavingsOverview } from './savings/savings-ledger';
export { DecisionsModule } from './decisions.module';
