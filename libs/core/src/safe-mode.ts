export interface SafeModeState {
  on: boolean;
  /** Who set it last (a user id), null when never set. */
  changedBy: string | null;
  changedAt: string | null;
  reason: string | null;
}

/**
 * The global SAFE_MODE flag (seed 003): while on, every agent works in DryRun (told in its
 * heartbeat answer) and the control plane issues no automatic command. Set by a super-admin.
 */
export abstract class SafeModeSwitch {
  abstract state(): Promise<SafeModeState>;
  abstract isOn(): Promise<boolean>;
  abstract set(on: boolean, by: { userId: string; reason?: string | null }): Promise<SafeModeState>;
  /** Called in this process when any process changes the flag (immediately with a shared bus). */
  abstract onChange(listener: (state: SafeModeState) => void): () => void;
}
