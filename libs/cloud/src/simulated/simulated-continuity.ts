import { Clock, DomainError, StructuredLogger } from '@spot/core';
import { Mutation } from '../cloud-provider';
import type { SimulatedInstanceView } from './simulated-cloud';
import {
  AddressDescription,
  ARecordChange,
  AssociateAddressRequest,
  AttachmentState,
  ContinuityCloud,
  DnsChangeStatus,
  InstanceAddressing,
  NetworkInterfaceDescription,
  SnapshotDescription,
  SnapshotQuery,
  TargetHealth,
  VolumeDescription,
  VolumeQuery,
} from '../continuity-cloud';

/**
 * Latencies of the simulated continuity calls. The defaults and where they come from are in
 * docs/continuity.md ("Simulated latencies"): AWS's documented defaults where AWS documents one
 * (health-check interval and threshold, deregistration delay, Route 53 propagation), our
 * estimates otherwise.
 */
export interface ContinuityLatencies {
  /** Registration → first health check (target registration propagating to the load balancer nodes). */
  registrationMs: number;
  /** EIP (re)association takes effect. */
  addressMs: number;
  /** ChangeResourceRecordSets PENDING → INSYNC. */
  dnsPropagationMs: number;
  attachVolumeMs: number;
  detachVolumeMs: number;
  /** Snapshot time per GiB written (a full snapshot writes the whole volume). */
  snapshotMsPerGiB: number;
  /** Smallest snapshot time, even with few changed blocks. */
  snapshotMinMs: number;
  /** Share of the volume an incremental snapshot writes. */
  incrementalShare: number;
  /** CreateVolume from a snapshot: creating → available (blocks load lazily afterwards). */
  createVolumeMs: number;
  attachEniMs: number;
  detachEniMs: number;
}

export const DEFAULT_CONTINUITY_LATENCIES: ContinuityLatencies = {
  registrationMs: 3_000,
  addressMs: 2_000,
  dnsPropagationMs: 60_000,
  attachVolumeMs: 5_000,
  detachVolumeMs: 5_000,
  snapshotMsPerGiB: 9_000,
  snapshotMinMs: 30_000,
  incrementalShare: 0.02,
  createVolumeMs: 10_000,
  attachEniMs: 3_000,
  detachEniMs: 3_000,
};

export interface TargetGroupSpec {
  arn: string;
  /** HealthCheckIntervalSeconds (AWS default 30, range 5–300). */
  healthCheckIntervalSeconds?: number;
  /** HealthyThresholdCount (AWS default 5, range 2–10). */
  healthyThresholdCount?: number;
  /** deregistration_delay.timeout_seconds (AWS default 300). */
  deregistrationDelaySeconds?: number;
  port?: number;
}

export interface SimulatedContinuityOptions {
  clock: Clock;
  /** What the instances are doing (the simulated EC2). */
  instances: SimulatedInstanceView;
  latencies?: Partial<ContinuityLatencies>;
  safeMode?: boolean;
  logger?: StructuredLogger;
  seed?: number;
}

interface SimTarget {
  instanceId: string;
  registeredAt: number;
  healthyAt: number;
  deregisteredAt?: number;
  goneAt?: number;
}

interface SimGroup {
  spec: Required<TargetGroupSpec>;
  targets: SimTarget[];
}

interface SimAddress {
  allocationId: string;
  publicIp: string;
  instanceId?: string;
  associationId?: string;
  /** Traffic reaches the new holder from then on; DescribeAddresses shows the previous holder until then. */
  effectiveAt: number;
  previousInstanceId?: string;
}

interface SimVolume {
  volumeId: string;
  az: string;
  sizeGiB: number;
  volumeType: string;
  snapshotId?: string;
  availableAt: number;
  deleted: boolean;
  tags: Record<string, string>;
  attachment?: { instanceId: string; device: string; attachedAt: number; detachRequestedAt?: number; detachedAt?: number; force?: boolean };
}

interface SimSnapshot {
  snapshotId: string;
  volumeId: string;
  startedAt: number;
  completedAt: number;
  tags: Record<string, string>;
}

interface SimEni {
  networkInterfaceId: string;
  az: string;
  privateIp: string;
  attachment?: { attachmentId: string; instanceId: string; deviceIndex: number; attachedAt: number; detachedAt?: number };
}

type Operation = keyof ContinuityCloud;

/**
 * The continuity side of the simulated cloud: target groups with health checks and draining,
 * Elastic IPs, Route 53 changes, EBS volumes and snapshots with progress, ENIs — all on the
 * injected clock, so a cut-over runs in virtual time with AWS-like latencies. Failures can be
 * injected per call (`failNext`) to test that a cut-over undoes what it did.
 */
export class SimulatedContinuity extends ContinuityCloud {
  private readonly groups = new Map<string, SimGroup>();
  private readonly addresses = new Map<string, SimAddress>();
  private readonly records = new Map<string, { ip: string; ttl: number }>();
  private readonly changes = new Map<string, number>();
  private readonly volumes = new Map<string, SimVolume>();
  private readonly snapshots = new Map<string, SimSnapshot>();
  private readonly enis = new Map<string, SimEni>();
  private readonly failures = new Map<string, DomainError[]>();
  private readonly latency: ContinuityLatencies;
  private safe: boolean;
  private counter = 0;
  /** Every mutating call, in order (tests check the order of a cut-over). */
  readonly calls: Array<{ at: number; call: string }> = [];

  constructor(private readonly options: SimulatedContinuityOptions) {
    super();
    this.latency = { ...DEFAULT_CONTINUITY_LATENCIES, ...options.latencies };
    this.safe = options.safeMode ?? false;
    options.instances.linkVolumes?.((instanceId) => this.devicesInUse(instanceId));
  }

  get safeMode(): boolean {
    return this.safe;
  }

  setSafeMode(on: boolean): void {
    this.safe = on;
  }

  get latencies(): ContinuityLatencies {
    return { ...this.latency };
  }

  // --- set-up (what the customer has before the agent runs) ---

  createTargetGroup(spec: TargetGroupSpec): string {
    this.groups.set(spec.arn, {
      spec: { healthCheckIntervalSeconds: 30, healthyThresholdCount: 5, deregistrationDelaySeconds: 300, port: 80, ...spec },
      targets: [],
    });
    return spec.arn;
  }

  /** A target already registered and healthy (the instance before the agent's first switch). */
  seedTarget(arn: string, instanceId: string): void {
    const now = this.now();
    this.group(arn).targets.push({ instanceId, registeredAt: now, healthyAt: now });
  }

  allocateAddress(instanceId?: string): AddressDescription {
    const allocationId = this.newId('eipalloc');
    const n = this.counter;
    const address: SimAddress = { allocationId, publicIp: `198.51.100.${n % 250}`, effectiveAt: this.now() };
    if (instanceId) Object.assign(address, { instanceId, associationId: this.newId('eipassoc') });
    this.addresses.set(allocationId, address);
    return this.toAddress(address);
  }

  createHostedZone(hostedZoneId: string): void {
    this.records.set(`${hostedZoneId}|`, { ip: '', ttl: 0 });
  }

  createDataVolume(request: { az: string; sizeGiB: number; instanceId?: string; device?: string; tags?: Record<string, string> }): string {
    const volumeId = this.newId('vol');
    const now = this.now();
    this.volumes.set(volumeId, {
      volumeId,
      az: request.az,
      sizeGiB: request.sizeGiB,
      volumeType: 'gp3',
      availableAt: now,
      deleted: false,
      tags: { ...request.tags },
      ...(request.instanceId ? { attachment: { instanceId: request.instanceId, device: request.device ?? '/dev/sdf', attachedAt: now } } : {}),
    });
    return volumeId;
  }

  createNetworkInterface(request: { az: string; instanceId?: string; deviceIndex?: number }): string {
    const id = this.newId('eni');
    const n = this.counter;
    const now = this.now();
    this.enis.set(id, {
      networkInterfaceId: id,
      az: request.az,
      privateIp: `10.1.${(n >> 8) & 255}.${n & 255}`,
      ...(request.instanceId ? { attachment: { attachmentId: this.newId('eni-attach'), instanceId: request.instanceId, deviceIndex: request.deviceIndex ?? 1, attachedAt: now } } : {}),
    });
    return id;
  }

  /** The next call of `operation` fails with this error (queued: one error per call). */
  failNext(operation: Operation, error?: DomainError): void {
    const queue = this.failures.get(operation) ?? [];
    queue.push(error ?? new DomainError('unavailable', 'AWS_ERROR', `${operation}: injected failure`, { aws_code: 'InternalError', injected: true }));
    this.failures.set(operation, queue);
  }

  /**
   * Which instance the clients reach through each way in, now: a target group sends traffic to
   * its healthy targets that are not draining; an address to its holder once the association
   * took effect; a record to its value. The downtime benchmark and tests read the gap from it.
   */
  trafficView(): { targetGroups: Record<string, string[]>; addresses: Record<string, string | undefined>; records: Record<string, string> } {
    const now = this.now();
    const targetGroups: Record<string, string[]> = {};
    for (const [arn, group] of this.groups) targetGroups[arn] = group.targets.filter((t) => this.targetState(t, now) === 'healthy').map((t) => t.instanceId);
    const addresses: Record<string, string | undefined> = {};
    for (const a of this.addresses.values()) addresses[a.allocationId] = a.effectiveAt <= now && a.instanceId && this.isRunning(a.instanceId) ? a.instanceId : undefined;
    const records: Record<string, string> = {};
    for (const [key, r] of this.records) if (r.ip) records[key] = r.ip;
    return { targetGroups, addresses, records };
  }

  /** Volumes attached now (state attached), with the volume a copy was made from. */
  volumeAttachments(): Array<{ volumeId: string; instanceId: string; sourceVolumeId?: string }> {
    return [...this.volumes.values()]
      .filter((v) => !v.deleted)
      .map((v) => ({ v, d: this.toVolume(v) }))
      .filter(({ d }) => d.attachment?.state === 'attached')
      .map(({ v, d }) => {
        const source = v.snapshotId ? this.snapshots.get(v.snapshotId)?.volumeId : undefined;
        return { volumeId: v.volumeId, instanceId: d.attachment!.instanceId, ...(source ? { sourceVolumeId: source } : {}) };
      });
  }

  // --- ELBv2 ---

  async registerTargets(targetGroupArn: string, instanceIds: string[]): Promise<Mutation<void>> {
    this.maybeFail('registerTargets');
    const group = this.group(targetGroupArn);
    for (const id of instanceIds) {
      const state = this.options.instances.stateOf(id);
      if (state !== 'running') throw new DomainError('invalid', 'CLOUD_REQUEST_INVALID', `RegisterTargets: the following targets are not in a running state and cannot be registered: '${id}'`, { aws_code: 'InvalidTarget' });
    }
    const action = `RegisterTargets ${instanceIds.join(', ')} in ${targetGroupArn}`;
    if (this.safe) return this.wouldExecute(action);
    const now = this.now();
    const checks = group.spec.healthCheckIntervalSeconds * group.spec.healthyThresholdCount * 1000;
    for (const id of instanceIds) {
      const existing = group.targets.find((t) => t.instanceId === id && t.goneAt === undefined && t.deregisteredAt === undefined);
      if (existing) continue;
      group.targets.push({ instanceId: id, registeredAt: now, healthyAt: now + this.latency.registrationMs + checks });
    }
    return this.done(action);
  }

  async deregisterTargets(targetGroupArn: string, instanceIds: string[]): Promise<Mutation<void>> {
    this.maybeFail('deregisterTargets');
    const group = this.group(targetGroupArn);
    const action = `DeregisterTargets ${instanceIds.join(', ')} from ${targetGroupArn}`;
    if (this.safe) return this.wouldExecute(action);
    const now = this.now();
    for (const t of group.targets) {
      if (instanceIds.includes(t.instanceId) && t.deregisteredAt === undefined) {
        t.deregisteredAt = now;
        t.goneAt = now + group.spec.deregistrationDelaySeconds * 1000;
      }
    }
    return this.done(action);
  }

  async describeTargetHealth(targetGroupArn: string, instanceIds?: string[]): Promise<TargetHealth[]> {
    this.maybeFail('describeTargetHealth');
    const group = this.group(targetGroupArn);
    const now = this.now();
    const live = group.targets.filter((t) => t.goneAt === undefined || t.goneAt > now);
    const described: TargetHealth[] = live.map((t) => ({ targetGroupArn, instanceId: t.instanceId, port: group.spec.port, state: this.targetState(t, now) }));
    if (!instanceIds) return described;
    return instanceIds.map(
      (id) =>
        [...described].reverse().find((d) => d.instanceId === id) ?? { targetGroupArn, instanceId: id, port: group.spec.port, state: 'unused', reason: 'Target.NotRegistered' },
    );
  }

  async targetGroupsOf(instanceId: string): Promise<string[]> {
    const now = this.now();
    return [...this.groups.entries()].filter(([, g]) => g.targets.some((t) => t.instanceId === instanceId && t.deregisteredAt === undefined && (t.goneAt ?? Infinity) > now)).map(([arn]) => arn);
  }

  // --- Elastic IP ---

  async describeAddresses(query: { allocationIds?: string[]; publicIps?: string[]; instanceId?: string }): Promise<AddressDescription[]> {
    this.maybeFail('describeAddresses');
    if (query.allocationIds) for (const id of query.allocationIds) if (!this.addresses.has(id)) throw this.notFound('DescribeAddresses', id, 'InvalidAllocationID.NotFound');
    return [...this.addresses.values()]
      .filter((a) => !query.allocationIds || query.allocationIds.includes(a.allocationId))
      .filter((a) => !query.publicIps || query.publicIps.includes(a.publicIp))
      .filter((a) => !query.instanceId || a.instanceId === query.instanceId)
      .map((a) => this.toAddress(a));
  }

  async associateAddress(request: AssociateAddressRequest): Promise<Mutation<{ associationId: string }>> {
    this.maybeFail('associateAddress');
    const address = this.addresses.get(request.allocationId);
    if (!address) throw this.notFound('AssociateAddress', request.allocationId, 'InvalidAllocationID.NotFound');
    const state = this.options.instances.stateOf(request.instanceId);
    if (state !== 'running' && state !== 'stopped') throw new DomainError('conflict', 'CLOUD_RESOURCE_BUSY', `AssociateAddress: instance ${request.instanceId} is ${state ?? 'unknown'}`, { aws_code: 'IncorrectInstanceState' });
    if (address.instanceId && address.instanceId !== request.instanceId && !request.allowReassociation) {
      throw new DomainError('conflict', 'CLOUD_RESOURCE_BUSY', `AssociateAddress: ${request.allocationId} is already associated`, { aws_code: 'Resource.AlreadyAssociated' });
    }
    const action = `AssociateAddress ${request.allocationId} to ${request.instanceId}${request.allowReassociation ? ' (AllowReassociation)' : ''}`;
    if (this.safe) return this.wouldExecute(action);
    address.previousInstanceId = address.instanceId;
    address.instanceId = request.instanceId;
    address.associationId = this.newId('eipassoc');
    address.effectiveAt = this.now() + this.latency.addressMs;
    this.record(action);
    return { dryRun: false, value: { associationId: address.associationId } };
  }

  // --- Route 53 ---

  async upsertARecord(change: ARecordChange): Promise<Mutation<{ changeId: string }>> {
    this.maybeFail('upsertARecord');
    if (!this.records.has(`${change.hostedZoneId}|`)) throw this.notFound('ChangeResourceRecordSets', change.hostedZoneId, 'NoSuchHostedZone');
    const action = `ChangeResourceRecordSets UPSERT A ${change.name} → ${change.ip} (TTL ${change.ttl}) in ${change.hostedZoneId}`;
    if (this.safe) return this.wouldExecute(action);
    this.records.set(`${change.hostedZoneId}|${change.name.replace(/\.$/, '').toLowerCase()}`, { ip: change.ip, ttl: change.ttl });
    const changeId = this.newId('C');
    this.changes.set(changeId, this.now() + this.latency.dnsPropagationMs);
    this.record(action);
    return { dryRun: false, value: { changeId } };
  }

  async dnsChangeStatus(changeId: string): Promise<DnsChangeStatus> {
    this.maybeFail('dnsChangeStatus');
    const insyncAt = this.changes.get(changeId);
    if (insyncAt === undefined) throw this.notFound('GetChange', changeId, 'NoSuchChange');
    return this.now() >= insyncAt ? 'INSYNC' : 'PENDING';
  }

  async aRecordOf(hostedZoneId: string, name: string): Promise<{ ip: string; ttl: number } | undefined> {
    const r = this.records.get(`${hostedZoneId}|${name.replace(/\.$/, '').toLowerCase()}`);
    return r ? { ...r } : undefined;
  }

  // --- EBS ---

  async describeVolumes(query: VolumeQuery): Promise<VolumeDescription[]> {
    this.maybeFail('describeVolumes');
    if (query.volumeIds) for (const id of query.volumeIds) if (!this.volumes.get(id) || this.volumes.get(id)?.deleted) throw this.notFound('DescribeVolumes', id, 'InvalidVolume.NotFound');
    return [...this.volumes.values()]
      .filter((v) => !v.deleted)
      .filter((v) => !query.volumeIds || query.volumeIds.includes(v.volumeId))
      .filter((v) => Object.entries(query.tags ?? {}).every(([k, val]) => v.tags[k] === val))
      .map((v) => this.toVolume(v));
  }

  /**
   * A data volume of a running instance detaches after `detachVolumeMs` (the pre-switch hook
   * has unmounted it). An instance that is shutting down still holds its volumes: the detach
   * stays `busy` until the instance has stopped, unless forced.
   */
  async detachVolume(request: { volumeId: string; instanceId: string; force?: boolean }): Promise<Mutation<void>> {
    this.maybeFail('detachVolume');
    const volume = this.volume(request.volumeId);
    const attachment = volume.attachment;
    if (!attachment || attachment.instanceId !== request.instanceId || attachment.detachedAt !== undefined && attachment.detachedAt <= this.now()) {
      throw new DomainError('conflict', 'CLOUD_RESOURCE_BUSY', `DetachVolume: ${request.volumeId} is not attached to ${request.instanceId}`, { aws_code: 'IncorrectState' });
    }
    const action = `DetachVolume ${request.volumeId} from ${request.instanceId}${request.force ? ' (Force)' : ''}`;
    if (this.safe) return this.wouldExecute(action);
    const now = this.now();
    attachment.detachRequestedAt ??= now;
    attachment.force = attachment.force || !!request.force;
    attachment.detachedAt = this.detachTime(attachment.instanceId, now, attachment.force);
    return this.done(action);
  }

  async attachVolume(request: { volumeId: string; instanceId: string; device: string }): Promise<Mutation<void>> {
    this.maybeFail('attachVolume');
    const volume = this.volume(request.volumeId);
    const now = this.now();
    const az = this.options.instances.azOf(request.instanceId);
    if (az !== volume.az) throw new DomainError('not_found', 'VOLUME_ZONE_MISMATCH', `AttachVolume: ${request.volumeId} is in ${volume.az}, instance ${request.instanceId} in ${az}`, { aws_code: 'InvalidVolume.ZoneMismatch' });
    const state = this.toVolume(volume).state;
    if (state !== 'available') throw new DomainError('conflict', 'CLOUD_RESOURCE_BUSY', `AttachVolume: ${request.volumeId} is ${state}`, { aws_code: 'VolumeInUse' });
    const instanceState = this.options.instances.stateOf(request.instanceId);
    if (instanceState !== 'running' && instanceState !== 'stopped') throw new DomainError('conflict', 'CLOUD_RESOURCE_BUSY', `AttachVolume: instance ${request.instanceId} is ${instanceState}`, { aws_code: 'IncorrectState' });
    // EC2 answers InvalidParameterValue "Attachment point … is already in use" (e.g. the image's copy of the volume).
    const taken = [...(this.options.instances.blockDevicesOf?.(request.instanceId) ?? []), ...this.devicesInUse(request.instanceId, request.volumeId)];
    if (taken.includes(request.device)) {
      throw new DomainError('conflict', 'CLOUD_RESOURCE_BUSY', `AttachVolume: Invalid value '${request.device}' for unixDevice. Attachment point ${request.device} is already in use on ${request.instanceId}`, { aws_code: 'InvalidParameterValue' });
    }
    const action = `AttachVolume ${request.volumeId} to ${request.instanceId} as ${request.device}`;
    if (this.safe) return this.wouldExecute(action);
    volume.attachment = { instanceId: request.instanceId, device: request.device, attachedAt: now + this.latency.attachVolumeMs };
    return this.done(action);
  }

  async createSnapshot(request: { volumeId: string; description?: string; tags?: Record<string, string> }): Promise<Mutation<{ snapshotId: string }>> {
    this.maybeFail('createSnapshot');
    const volume = this.volume(request.volumeId);
    const action = `CreateSnapshot of ${request.volumeId}`;
    if (this.safe) return this.wouldExecute(action);
    const now = this.now();
    // EBS snapshots are incremental: after the first completed one only changed blocks are written.
    const previous = [...this.snapshots.values()].some((s) => s.volumeId === volume.volumeId && s.completedAt <= now);
    const gib = previous ? volume.sizeGiB * this.latency.incrementalShare : volume.sizeGiB;
    const snapshotId = this.newId('snap');
    this.snapshots.set(snapshotId, { snapshotId, volumeId: volume.volumeId, startedAt: now, completedAt: now + Math.max(this.latency.snapshotMinMs, gib * this.latency.snapshotMsPerGiB), tags: { ...request.tags } });
    this.record(action);
    return { dryRun: false, value: { snapshotId } };
  }

  async describeSnapshots(query: SnapshotQuery): Promise<SnapshotDescription[]> {
    this.maybeFail('describeSnapshots');
    const now = this.now();
    return [...this.snapshots.values()]
      .filter((s) => !query.snapshotIds || query.snapshotIds.includes(s.snapshotId))
      .filter((s) => Object.entries(query.tags ?? {}).every(([k, v]) => s.tags[k] === v))
      .map((s) => {
        const share = Math.min(1, (now - s.startedAt) / Math.max(1, s.completedAt - s.startedAt));
        return { snapshotId: s.snapshotId, volumeId: s.volumeId, state: share >= 1 ? 'completed' : 'pending', progress: Math.floor(share * 100), startTime: new Date(s.startedAt), tags: { ...s.tags } };
      });
  }

  async createVolume(request: { snapshotId: string; az: string; volumeType?: string; tags?: Record<string, string> }): Promise<Mutation<{ volumeId: string }>> {
    this.maybeFail('createVolume');
    const snapshot = this.snapshots.get(request.snapshotId);
    if (!snapshot) throw this.notFound('CreateVolume', request.snapshotId, 'InvalidSnapshot.NotFound');
    if (snapshot.completedAt > this.now()) throw new DomainError('conflict', 'CLOUD_RESOURCE_BUSY', `CreateVolume: snapshot ${request.snapshotId} is still pending`, { aws_code: 'IncorrectState' });
    const action = `CreateVolume from ${request.snapshotId} in ${request.az}`;
    if (this.safe) return this.wouldExecute(action);
    const source = this.volumes.get(snapshot.volumeId);
    const volumeId = this.newId('vol');
    this.volumes.set(volumeId, {
      volumeId,
      az: request.az,
      sizeGiB: source?.sizeGiB ?? 8,
      volumeType: request.volumeType ?? source?.volumeType ?? 'gp3',
      snapshotId: request.snapshotId,
      availableAt: this.now() + this.latency.createVolumeMs,
      deleted: false,
      tags: { ...request.tags },
    });
    this.record(action);
    return { dryRun: false, value: { volumeId } };
  }

  async deleteVolume(volumeId: string): Promise<Mutation<void>> {
    this.maybeFail('deleteVolume');
    const volume = this.volume(volumeId);
    if (this.toVolume(volume).state !== 'available') throw new DomainError('conflict', 'CLOUD_RESOURCE_BUSY', `DeleteVolume: ${volumeId} is in use`, { aws_code: 'VolumeInUse' });
    const action = `DeleteVolume ${volumeId}`;
    if (this.safe) return this.wouldExecute(action);
    volume.deleted = true;
    return this.done(action);
  }

  async deleteSnapshot(snapshotId: string): Promise<Mutation<void>> {
    this.maybeFail('deleteSnapshot');
    if (!this.snapshots.has(snapshotId)) throw this.notFound('DeleteSnapshot', snapshotId, 'InvalidSnapshot.NotFound');
    const action = `DeleteSnapshot ${snapshotId}`;
    if (this.safe) return this.wouldExecute(action);
    this.snapshots.delete(snapshotId);
    return this.done(action);
  }

  // --- ENI ---

  async describeNetworkInterfaces(ids: string[]): Promise<NetworkInterfaceDescription[]> {
    this.maybeFail('describeNetworkInterfaces');
    const now = this.now();
    return ids.map((id) => {
      const eni = this.enis.get(id);
      if (!eni) throw this.notFound('DescribeNetworkInterfaces', id, 'InvalidNetworkInterfaceID.NotFound');
      const a = eni.attachment;
      const gone = a?.detachedAt !== undefined && a.detachedAt <= now;
      const status = !a || gone ? 'available' : a.detachedAt !== undefined ? 'detaching' : a.attachedAt > now ? 'attaching' : 'in-use';
      return {
        networkInterfaceId: id,
        az: eni.az,
        privateIp: eni.privateIp,
        status,
        ...(a && !gone ? { attachment: { attachmentId: a.attachmentId, instanceId: a.instanceId, deviceIndex: a.deviceIndex, status: status === 'in-use' ? 'attached' : status } } : {}),
      };
    });
  }

  async detachNetworkInterface(request: { attachmentId: string; force?: boolean }): Promise<Mutation<void>> {
    this.maybeFail('detachNetworkInterface');
    const eni = [...this.enis.values()].find((e) => e.attachment?.attachmentId === request.attachmentId);
    if (!eni?.attachment) throw this.notFound('DetachNetworkInterface', request.attachmentId, 'InvalidAttachmentID.NotFound');
    const action = `DetachNetworkInterface ${request.attachmentId}${request.force ? ' (Force)' : ''}`;
    if (this.safe) return this.wouldExecute(action);
    eni.attachment.detachedAt ??= this.now() + (request.force ? 0 : this.latency.detachEniMs);
    return this.done(action);
  }

  async attachNetworkInterface(request: { networkInterfaceId: string; instanceId: string; deviceIndex: number }): Promise<Mutation<{ attachmentId: string }>> {
    this.maybeFail('attachNetworkInterface');
    const eni = this.enis.get(request.networkInterfaceId);
    if (!eni) throw this.notFound('AttachNetworkInterface', request.networkInterfaceId, 'InvalidNetworkInterfaceID.NotFound');
    const now = this.now();
    if (eni.attachment && (eni.attachment.detachedAt === undefined || eni.attachment.detachedAt > now)) {
      throw new DomainError('conflict', 'CLOUD_RESOURCE_BUSY', `AttachNetworkInterface: ${request.networkInterfaceId} is in use`, { aws_code: 'InvalidNetworkInterface.InUse' });
    }
    if (this.options.instances.azOf(request.instanceId) !== eni.az) {
      throw new DomainError('invalid', 'CLOUD_REQUEST_INVALID', `AttachNetworkInterface: ${request.networkInterfaceId} and ${request.instanceId} are in different zones`, { aws_code: 'InvalidParameterCombination' });
    }
    const action = `AttachNetworkInterface ${request.networkInterfaceId} to ${request.instanceId} at index ${request.deviceIndex}`;
    if (this.safe) return this.wouldExecute(action);
    const attachmentId = this.newId('eni-attach');
    eni.attachment = { attachmentId, instanceId: request.instanceId, deviceIndex: request.deviceIndex, attachedAt: now + this.latency.attachEniMs };
    this.record(action);
    return { dryRun: false, value: { attachmentId } };
  }

  async instanceAddressing(instanceId: string): Promise<InstanceAddressing> {
    const privateIp = this.options.instances.privateIpOf(instanceId);
    if (privateIp === undefined) throw this.notFound('DescribeInstances', instanceId, 'InvalidInstanceID.NotFound');
    const octets = privateIp.split('.');
    return { instanceId, privateIp, publicIp: `203.0.113.${Number(octets[3] ?? 0) % 250}` };
  }

  // --- internals ---

  private targetState(t: SimTarget, now: number): TargetHealth['state'] {
    if (t.deregisteredAt !== undefined) return 'draining';
    const state = this.options.instances.stateOf(t.instanceId);
    if (state !== 'running') return 'unhealthy';
    return now >= t.healthyAt ? 'healthy' : 'initial';
  }

  /** Devices of the volumes attached (or attaching, detaching) to an instance now. */
  private devicesInUse(instanceId: string, exceptVolumeId?: string): string[] {
    return [...this.volumes.values()]
      .filter((v) => v.volumeId !== exceptVolumeId && !v.deleted)
      .map((v) => this.toVolume(v).attachment)
      .filter((a) => a?.instanceId === instanceId)
      .map((a) => a!.device);
  }

  private detachTime(instanceId: string, now: number, force: boolean): number {
    if (force) return now;
    const state = this.options.instances.stateOf(instanceId);
    if (state === 'shutting-down' || state === 'stopping') return Number.POSITIVE_INFINITY; // busy until it has stopped; re-checked in toVolume
    return now + this.latency.detachVolumeMs;
  }

  private toVolume(v: SimVolume): VolumeDescription {
    const now = this.now();
    const a = v.attachment;
    let attachment: VolumeDescription['attachment'];
    if (a) {
      let detachedAt = a.detachedAt;
      // A busy detach completes once the instance holding the volume has stopped.
      if (detachedAt === Number.POSITIVE_INFINITY) {
        const state = this.options.instances.stateOf(a.instanceId);
        if (state === 'terminated' || state === 'stopped' || state === undefined) detachedAt = a.detachedAt = now;
      }
      if (detachedAt === undefined || detachedAt > now) {
        const state: AttachmentState = detachedAt === Number.POSITIVE_INFINITY ? 'busy' : detachedAt !== undefined ? 'detaching' : a.attachedAt > now ? 'attaching' : 'attached';
        attachment = { instanceId: a.instanceId, device: a.device, state };
      } else {
        v.attachment = undefined;
      }
    }
    const state: VolumeDescription['state'] = v.deleted ? 'deleted' : v.availableAt > now ? 'creating' : attachment ? 'in-use' : 'available';
    return { volumeId: v.volumeId, az: v.az, sizeGiB: v.sizeGiB, volumeType: v.volumeType, state, ...(v.snapshotId ? { snapshotId: v.snapshotId } : {}), ...(attachment ? { attachment } : {}), tags: { ...v.tags } };
  }

  private toAddress(a: SimAddress): AddressDescription {
    const holder = a.effectiveAt <= this.now() ? a.instanceId : a.previousInstanceId;
    return { allocationId: a.allocationId, publicIp: a.publicIp, ...(holder ? { instanceId: holder, associationId: a.associationId } : {}) };
  }

  private isRunning(instanceId: string): boolean {
    return this.options.instances.stateOf(instanceId) === 'running';
  }

  private group(arn: string): SimGroup {
    const group = this.groups.get(arn);
    if (!group) throw this.notFound('TargetGroup', arn, 'TargetGroupNotFound');
    return group;
  }

  private volume(volumeId: string): SimVolume {
    const volume = this.volumes.get(volumeId);
    if (!volume || volume.deleted) throw this.notFound('Volume', volumeId, 'InvalidVolume.NotFound');
    return volume;
  }

  private notFound(action: string, id: string, awsCode: string): DomainError {
    return new DomainError('not_found', 'CLOUD_RESOURCE_NOT_FOUND', `${action}: ${id} does not exist`, { aws_code: awsCode });
  }

  private maybeFail(operation: Operation): void {
    const error = this.failures.get(operation)?.shift();
    if (error) throw error;
  }

  private record(call: string): void {
    this.calls.push({ at: this.now(), call });
  }

  private done(action: string): Mutation<void> {
    this.record(action);
    return { dryRun: false, value: undefined };
  }

  private wouldExecute(action: string): Mutation<never> {
    this.options.logger?.event({ level: 'info', component: 'CORE-EXEC', action: 'DRY-RUN', result: 'SKIPPED', message: `[SAFE_MODE] Would execute: ${action}` });
    return { dryRun: true, wouldExecute: action };
  }

  private newId(prefix: string): string {
    this.counter += 1;
    const seed = ((this.options.seed ?? 7) >>> 0).toString(16).padStart(4, '0').slice(-4);
    return `${prefix}-${seed}${this.counter.toString(16).padStart(13, '0')}`;
  }

  private now(): number {
    return this.options.clock.nowMs();
  }
}
