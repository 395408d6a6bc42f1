export { CommandTracker } from './command-tracker';
export type { CommandRecord, IssueCommand, ExecutionOutcome, ExecutionReceipt, CommandFilter, SettingsAtClaim, ResultListener } from './command-tracker';
export { COMMAND_PRIORITY, COMMAND_ORIGINS, COMMAND_TYPES, DEFAULT_TTL_SECONDS, EXECUTION_TIMEOUT_SECONDS, SETTINGS_STAMPED_COMMAND_TYPES, conflictGroupOf } from './command-rules';
export type { CommandOrigin, KnownCommandType } from './command-rules';
export { CommandTrackerModule } from './command-tracker.module';
