import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AgentConfigDto, SwitchReportRequestDto } from '@spot/contracts';
import type { AgentRole } from './control-plane.client';

/**
 * What the agent of one instance must remember across a restart (systemd, crash, upgrade):
 * its role, the session it reports with, and a termination it has promised to carry out.
 */
export interface AgentStateData {
  /** The instance this state belongs to: an AMI of this instance copies the file to the next one. */
  instanceId: string;
  role?: AgentRole;
  /** A replica's instance keeps SPOT_REPLICA_ID in its user data after its promotion: this is that id. */
  promotedReplicaId?: string;
  retiredReason?: string;
  /** The session a retired agent still delivers its queued reports with (the file is 0600). */
  session?: { agentId: string; agentToken: string; config: AgentConfigDto };
  /**
   * This (old) instance terminates itself at `at` (after a switch's terminate wait); `report` is
   * the switch's report, sent again with `old_terminated_at` once the termination was done.
   */
  /** Emergency instances this (dying) agent launched: their own agents take over, a promotion to one moves nothing from here. */
  emergencyCopies?: string[];
  /** An emergency instance took the workload over from this instance (TakeOver): once only. */
  takenOverFrom?: string;
  pendingTermination?: { instanceId: string; at: string; report?: SwitchReportRequestDto };
}

/** One JSON file in the agent's state directory, replaced atomically (temp file, fsync, rename). */
export class AgentStateStore {
  private data: AgentStateData | undefined;

  constructor(private readonly file: string | undefined) {}

  /** The stored state of `instanceId`; another instance's state (copied with an AMI) counts as none. */
  load(instanceId: string): AgentStateData {
    let stored: Partial<AgentStateData> = {};
    if (this.file && existsSync(this.file)) {
      try {
        stored = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<AgentStateData>;
      } catch {
        stored = {}; // a torn write: start over, the control plane still knows the role
      }
    }
    this.data = stored.instanceId === instanceId ? ({ ...stored, instanceId } as AgentStateData) : { instanceId };
    return { ...this.data };
  }

  get current(): Readonly<AgentStateData> | undefined {
    return this.data;
  }

  update(patch: Partial<Omit<AgentStateData, 'instanceId'>>): void {
    if (!this.data) return;
    this.data = { ...this.data, ...patch };
    for (const key of Object.keys(this.data) as Array<keyof AgentStateData>) if (this.data[key] === undefined) delete this.data[key];
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    const fd = openSync(temp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(this.data));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.file);
  }
}
