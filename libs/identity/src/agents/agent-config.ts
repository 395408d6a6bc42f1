import { ContinuitySettings } from '@spot/continuity';
import { AgentEntity } from '@spot/persistence';

/** Loop cadence of the agent (seed 000 agent layer): heartbeat and prices every 60 s, commands 30 s, notices 5 s. */
export const AGENT_INTERVALS = {
  heartbeatSeconds: 60,
  pricingReportSeconds: 60,
  commandPollSeconds: 30,
  interruptionPollSeconds: 5,
} as const;

export interface AgentConfig {
  agentId: string;
  logicalAgentId: string;
  enabled: boolean;
  autoSwitchEnabled: boolean;
  autoTerminateEnabled: boolean;
  terminateWaitSeconds: number;
  autoReplicaEnabled: boolean;
  manualReplicaEnabled: boolean;
  configVersion: number;
  intervals: typeof AGENT_INTERVALS;
  /** What follows the workload on a switch or failover; null when nothing is configured. */
  continuity: ContinuitySettings | null;
}

export function agentConfigOf(agent: AgentEntity): AgentConfig {
  return {
    agentId: agent.id,
    logicalAgentId: agent.logicalAgentId,
    enabled: agent.enabled,
    autoSwitchEnabled: agent.autoSwitchEnabled,
    autoTerminateEnabled: agent.autoTerminateEnabled,
    terminateWaitSeconds: agent.terminateWaitSeconds,
    autoReplicaEnabled: agent.autoReplicaEnabled,
    manualReplicaEnabled: agent.manualReplicaEnabled,
    configVersion: agent.configVersion,
    intervals: AGENT_INTERVALS,
    continuity: agent.continuitySettings ? (JSON.parse(agent.continuitySettings) as ContinuitySettings) : null,
  };
}

/** Pool id of a spot placement: `<instance type>.<az>`; on-demand runs in no pool. */
export function poolIdOf(instanceType: string, az: string, mode: string): string | null {
  return mode === 'spot' ? `${instanceType}.${az}` : null;
}
