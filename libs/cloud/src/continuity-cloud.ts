import { Mutation } from './cloud-provider';

/**
 * The calls a cut-over needs (issue 14, docs/continuity.md): ELBv2 target groups, Elastic IPs,
 * Route 53 records, EBS volumes and snapshots, network interfaces. A port of its own beside
 * `CloudProvider`, so the agent can be given it only when continuity is configured.
 *
 * Waiting (until healthy, drained, INSYNC, attached) is not here: the continuity lib polls the
 * describe calls on its injected clock, the same code on AWS and on the simulated cloud.
 */
export type TargetHealthState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable';

export interface TargetHealth {
  targetGroupArn: string;
  instanceId: string;
  port?: number;
  state: TargetHealthState;
  reason?: string;
}

export interface AddressDescription {
  allocationId: string;
  publicIp: string;
  instanceId?: string;
  networkInterfaceId?: string;
  associationId?: string;
  privateIp?: string;
}

export interface AssociateAddressRequest {
  allocationId: string;
  instanceId: string;
  /** Takes the address from whatever holds it now (the old instance): one call, no gap. */
  allowReassociation: boolean;
}

export interface ARecordChange {
  hostedZoneId: string;
  name: string;
  ttl: number;
  ip: string;
}

export type DnsChangeStatus = 'PENDING' | 'INSYNC';

export type VolumeState = 'creating' | 'available' | 'in-use' | 'deleting' | 'deleted' | 'error';
export type AttachmentState = 'attaching' | 'attached' | 'detaching' | 'detached' | 'busy';

export interface VolumeDescription {
  volumeId: string;
  az: string;
  sizeGiB: number;
  volumeType: string;
  state: VolumeState;
  snapshotId?: string;
  /** deleteOnTermination: AWS deletes the volume with the instance (a data volume to carry must not). */
  attachment?: { instanceId: string; device: string; state: AttachmentState; deleteOnTermination?: boolean };
  tags: Record<string, string>;
}

export interface VolumeQuery {
  volumeIds?: string[];
  /** Volumes carrying all of these tags. */
  tags?: Record<string, string>;
}

export type SnapshotState = 'pending' | 'completed' | 'error';

export interface SnapshotDescription {
  snapshotId: string;
  volumeId: string;
  state: SnapshotState;
  /** 0–100, from EC2's "Progress" ("42%"). */
  progress: number;
  startTime: Date;
  tags: Record<string, string>;
}

export interface SnapshotQuery {
  snapshotIds?: string[];
  tags?: Record<string, string>;
}

export interface NetworkInterfaceDescription {
  networkInterfaceId: string;
  az: string;
  privateIp: string;
  status: 'available' | 'in-use' | 'attaching' | 'detaching' | string;
  attachment?: { attachmentId: string; instanceId: string; deviceIndex: number; status: string };
}

export interface InstanceAddressing {
  instanceId: string;
  privateIp?: string;
  publicIp?: string;
}

export abstract class ContinuityCloud {
  abstract get safeMode(): boolean;
  abstract setSafeMode(on: boolean): void;

  // ELBv2 target groups
  abstract registerTargets(targetGroupArn: string, instanceIds: string[], port?: number): Promise<Mutation<void>>;
  abstract deregisterTargets(targetGroupArn: string, instanceIds: string[], port?: number): Promise<Mutation<void>>;
  /** Every target of the group, or only those asked about. */
  abstract describeTargetHealth(targetGroupArn: string, instanceIds?: string[]): Promise<TargetHealth[]>;
  /** The target groups that hold the instance now (discovery at registration). */
  abstract targetGroupsOf(instanceId: string): Promise<string[]>;

  // Elastic IP
  abstract describeAddresses(query: { allocationIds?: string[]; publicIps?: string[]; instanceId?: string }): Promise<AddressDescription[]>;
  abstract associateAddress(request: AssociateAddressRequest): Promise<Mutation<{ associationId: string }>>;

  // Route 53
  abstract upsertARecord(change: ARecordChange): Promise<Mutation<{ changeId: string }>>;
  abstract dnsChangeStatus(changeId: string): Promise<DnsChangeStatus>;
  /** The A record's current value, undefined when there is none (to undo an UPSERT). */
  abstract aRecordOf(hostedZoneId: string, name: string): Promise<{ ip: string; ttl: number } | undefined>;

  // EBS
  abstract describeVolumes(query: VolumeQuery): Promise<VolumeDescription[]>;
  abstract detachVolume(request: { volumeId: string; instanceId: string; force?: boolean }): Promise<Mutation<void>>;
  abstract attachVolume(request: { volumeId: string; instanceId: string; device: string }): Promise<Mutation<void>>;
  abstract createSnapshot(request: { volumeId: string; description?: string; tags?: Record<string, string> }): Promise<Mutation<{ snapshotId: string }>>;
  abstract describeSnapshots(query: SnapshotQuery): Promise<SnapshotDescription[]>;
  abstract createVolume(request: { snapshotId: string; az: string; volumeType?: string; tags?: Record<string, string> }): Promise<Mutation<{ volumeId: string }>>;
  abstract deleteVolume(volumeId: string): Promise<Mutation<void>>;
  abstract deleteSnapshot(snapshotId: string): Promise<Mutation<void>>;

  // ENI
  abstract describeNetworkInterfaces(ids: string[]): Promise<NetworkInterfaceDescription[]>;
  abstract detachNetworkInterface(request: { attachmentId: string; force?: boolean }): Promise<Mutation<void>>;
  abstract attachNetworkInterface(request: { networkInterfaceId: string; instanceId: string; deviceIndex: number }): Promise<Mutation<{ attachmentId: string }>>;

  /** Private and public address of an instance (the value of the A record). */
  abstract instanceAddressing(instanceId: string): Promise<InstanceAddressing>;
}
