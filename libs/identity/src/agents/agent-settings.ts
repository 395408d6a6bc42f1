import { DomainError } from '@spot/core';
import { AgentEntity } from '@spot/persistence';

/** A change to an agent's toggles (seed 004 configuration modal); absent fields stay as they are. */
export interface AgentSettingsChange {
  autoSwitch?: boolean;
  autoTerminate?: boolean;
  terminateWaitSeconds?: number;
  manualReplica?: boolean;
  autoReplica?: boolean;
}

type Settings = Pick<AgentEntity, 'autoSwitchEnabled' | 'autoTerminateEnabled' | 'terminateWaitSeconds' | 'manualReplicaEnabled' | 'autoReplicaEnabled'>;

export const SETTINGS_ERRORS = {
  autoSwitchWhileManual: 'Cannot enable auto-switch while manual mode active',
  manualWhileAutoSwitch: 'Cannot enable manual mode while auto-switch active',
} as const;

/**
 * The settings after `change`, or the seed-001 mutual-exclusion error: auto-switch (and
 * auto-terminate, which acts on auto-switch's moves) and manual replica mode never hold together.
 * The request is judged on the state it would leave, so one request may turn one mode off and
 * the other on.
 */
export function applySettingsChange(current: Settings, change: AgentSettingsChange): Settings {
  const next: Settings = {
    autoSwitchEnabled: change.autoSwitch ?? current.autoSwitchEnabled,
    autoTerminateEnabled: change.autoTerminate ?? current.autoTerminateEnabled,
    terminateWaitSeconds: change.terminateWaitSeconds ?? current.terminateWaitSeconds,
    manualReplicaEnabled: change.manualReplica ?? current.manualReplicaEnabled,
    autoReplicaEnabled: change.autoReplica ?? current.autoReplicaEnabled,
  };
  const automatic = next.autoSwitchEnabled || next.autoTerminateEnabled;
  if (next.manualReplicaEnabled && automatic) {
    if (!current.manualReplicaEnabled) {
      throw DomainError.conflict('MANUAL_REPLICA_CONFLICTS_WITH_AUTO_SWITCH', SETTINGS_ERRORS.manualWhileAutoSwitch, {
        fields: ['manual_replica', 'auto_switch', 'auto_terminate'],
        hint: 'send auto_switch: false and auto_terminate: false with manual_replica: true',
      });
    }
    throw DomainError.conflict('AUTO_SWITCH_CONFLICTS_WITH_MANUAL_REPLICA', SETTINGS_ERRORS.autoSwitchWhileManual, {
      fields: ['auto_switch', 'auto_terminate', 'manual_replica'],
      hint: 'send manual_replica: false with auto_switch: true',
    });
  }
  return next;
}
