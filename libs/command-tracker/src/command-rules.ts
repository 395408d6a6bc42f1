/** Priority of a command by who asked for it (seed 000 Command Tracker): higher is handed out first. */
export const COMMAND_PRIORITY = { emergency: 100, manual: 75, automatic: 50 } as const;

export type CommandOrigin = keyof typeof COMMAND_PRIORITY;

export const COMMAND_ORIGINS = Object.keys(COMMAND_PRIORITY) as CommandOrigin[];

/** The command types the agents understand. Other types are accepted and never conflict. */
export const COMMAND_TYPES = ['switch', 'launch-replica', 'promote-replica', 'emergency-launch', 'terminate-instance', 'cleanup'] as const;

export type KnownCommandType = (typeof COMMAND_TYPES)[number];

/**
 * Commands whose execution depends on the agent's settings (terminate wait, auto-terminate):
 * their payload gets the settings as they are when the agent claims them (issue 13), so a
 * setting changed just before the claim is the one the agent acts on. Mirrors
 * SETTINGS_STAMPED_COMMANDS of the wire contract (libs/contracts, commands.dto.ts).
 */
export const SETTINGS_STAMPED_COMMAND_TYPES: readonly string[] = ['switch', 'launch-replica', 'emergency-launch', 'promote-replica'];

/**
 * How long a command may wait to be claimed before it is stale. A decision is re-evaluated every
 * 5 minutes, so an automatic command older than two passes is out of date; an emergency command
 * is useless once the 2-minute notice has long passed; people get more slack.
 */
export const DEFAULT_TTL_SECONDS: Record<CommandOrigin, number> = { emergency: 600, manual: 1800, automatic: 600 };

/** An agent that claimed a command and never reported is presumed to have lost it after this. */
export const EXECUTION_TIMEOUT_SECONDS = 1800;

/**
 * Commands in the same conflict group cannot both wait in the queue: they would move the same
 * workload (or the same instance) in two directions. switch, promote-replica and emergency-launch
 * all move the workload to another instance; one replica launch at a time; one cleanup at a time;
 * terminations conflict only for the same instance.
 */
export function conflictGroupOf(commandType: string, payload: Record<string, unknown> | null | undefined): string | null {
  switch (commandType) {
    case 'switch':
    case 'promote-replica':
    case 'emergency-launch':
      return 'placement';
    case 'launch-replica':
      return 'replica';
    case 'cleanup':
      return 'cleanup';
    case 'terminate-instance': {
      const target = payload?.instance_id ?? payload?.instanceId;
      return `terminate:${typeof target === 'string' ? target : '*'}`;
    }
    default:
      return null;
  }
}
