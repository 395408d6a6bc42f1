import { EntityManager } from 'typeorm';

/**
 * What the replicas lib needs from the command tracker and the switch recorder, named by the
 * replicas lib. The composition root binds them to `@spot/command-tracker` and `@spot/decisions`.
 */
export interface ReplicaCommand {
  clientId: string;
  agentId: string;
  commandType: 'launch-replica' | 'promote-replica' | 'emergency-launch' | 'terminate-replica';
  origin: 'automatic' | 'manual' | 'emergency';
  payload: Record<string, unknown>;
  idempotencyKey: string;
  createdBy?: string;
}

export abstract class ReplicaCommandQueue {
  /** Queues the command in the caller's transaction; answers its id. */
  abstract issue(command: ReplicaCommand, manager: EntityManager): Promise<{ id: string }>;
}

export interface FailoverSwitch {
  clientId: string;
  agentId: string;
  commandId: string | null;
  reason: string;
  newInstance: { instanceId: string; instanceType: string; az: string; region: string; mode: 'spot' | 'on-demand'; poolId: string | null; price: number | null };
  startedAt: Date;
}

export abstract class FailoverSwitchRecorder {
  /**
   * Records the switch and moves the logical agent onto the new instance (old instance inactive,
   * new one active), in the caller's transaction.
   */
  abstract record(change: FailoverSwitch, manager: EntityManager): Promise<{ switchId: string }>;
}
