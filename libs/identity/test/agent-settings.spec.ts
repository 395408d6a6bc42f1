import { DomainError } from '@spot/core';
import { applySettingsChange, SETTINGS_ERRORS } from '@spot/identity';

const automatic = { autoSwitchEnabled: true, autoTerminateEnabled: true, terminateWaitSeconds: 300, manualReplicaEnabled: false, autoReplicaEnabled: true };
const manual = { ...automatic, autoSwitchEnabled: false, autoTerminateEnabled: false, manualReplicaEnabled: true };

const errorOf = (fn: () => unknown): DomainError => {
  try {
    fn();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected an error');
};

describe('agent settings: auto-switch and manual replica mode exclude each other (seed 001)', () => {
  it.each([
    ['manual on while auto-switch is on', automatic, { manualReplica: true }, SETTINGS_ERRORS.manualWhileAutoSwitch],
    ['manual on with auto-switch off but auto-terminate on', automatic, { manualReplica: true, autoSwitch: false }, SETTINGS_ERRORS.manualWhileAutoSwitch],
    ['auto-switch on in manual mode', manual, { autoSwitch: true }, SETTINGS_ERRORS.autoSwitchWhileManual],
    ['auto-terminate on in manual mode', manual, { autoTerminate: true }, SETTINGS_ERRORS.autoSwitchWhileManual],
  ])('refuses %s', (_name, current, change, message) => {
    const error = errorOf(() => applySettingsChange(current, change));
    expect(error).toMatchObject({ kind: 'conflict', message });
  });

  it('accepts switching modes in one request, either way', () => {
    expect(applySettingsChange(automatic, { manualReplica: true, autoSwitch: false, autoTerminate: false })).toEqual(manual);
    expect(applySettingsChange(manual, { manualReplica: false, autoSwitch: true })).toMatchObject({ manualReplicaEnabled: false, autoSwitchEnabled: true });
  });

  it('leaves fields that are not mentioned as they are', () => {
    expect(applySettingsChange(manual, { terminateWaitSeconds: 0, autoReplica: false })).toEqual({ ...manual, terminateWaitSeconds: 0, autoReplicaEnabled: false });
  });
});
