import {
  AssociateAddressCommand,
  AttachNetworkInterfaceCommand,
  AttachVolumeCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DeleteSnapshotCommand,
  DeleteVolumeCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  DetachNetworkInterfaceCommand,
  DetachVolumeCommand,
  EC2Client,
  Filter,
  VolumeType,
} from '@aws-sdk/client-ec2';
import {
  DeregisterTargetsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ChangeResourceRecordSetsCommand, GetChangeCommand, GetHostedZoneCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { DomainError, StructuredLogger } from '@spot/core';
import { Mutation, TemporaryCredentials } from '../cloud-provider';
import {
  AddressDescription,
  ARecordChange,
  AssociateAddressRequest,
  ContinuityCloud,
  DnsChangeStatus,
  InstanceAddressing,
  NetworkInterfaceDescription,
  SnapshotDescription,
  SnapshotQuery,
  TargetHealth,
  TargetHealthState,
  VolumeDescription,
  VolumeQuery,
} from '../continuity-cloud';
import { AwsCallRunner } from './aws-call-runner';
import { tagList, tagsOf } from './ec2-tags';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from './aws-errors';

export interface AwsContinuityOptions {
  ec2: EC2Client;
  elbv2: ElasticLoadBalancingV2Client;
  route53: Route53Client;
  safeMode?: boolean;
  retry?: Partial<RetryPolicy>;
  logger?: StructuredLogger;
}

/**
 * ELBv2 and Route 53 clients resolve their endpoints as EC2's does: `AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2`
 * / `AWS_ENDPOINT_URL_ROUTE_53`, else `AWS_ENDPOINT_URL` (the SDK reads them; nothing is set here).
 */
export function createElbv2Client(region: string, credentials?: TemporaryCredentials): ElasticLoadBalancingV2Client {
  return new ElasticLoadBalancingV2Client({ region, maxAttempts: 1, ...(credentials ? { credentials } : {}) });
}

export function createRoute53Client(region: string, credentials?: TemporaryCredentials): Route53Client {
  return new Route53Client({ region, maxAttempts: 1, ...(credentials ? { credentials } : {}) });
}

const tagFilters = (tags: Record<string, string> | undefined): Filter[] => Object.entries(tags ?? {}).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] }));
/** Route 53 answers names fully qualified ("app.example.com."). */
const fqdn = (name: string) => (name.endsWith('.') ? name : `${name}.`).toLowerCase();
const zoneId = (id: string) => id.replace(/^\/hostedzone\//, '');
const changeIdOf = (id: string) => id.replace(/^\/change\//, '');

/** The ContinuityCloud port on AWS (SDK v3): ELBv2, EC2 (EIP, EBS, ENI) and Route 53. */
export class AwsContinuityCloud extends ContinuityCloud {
  private safe: boolean;
  private readonly calls: AwsCallRunner;

  constructor(private readonly options: AwsContinuityOptions) {
    super();
    this.safe = options.safeMode ?? false;
    this.calls = new AwsCallRunner({ ...DEFAULT_RETRY_POLICY, ...options.retry }, () => this.safe, options.logger);
  }

  get safeMode(): boolean {
    return this.safe;
  }

  setSafeMode(on: boolean): void {
    this.safe = on;
  }

  async registerTargets(targetGroupArn: string, instanceIds: string[], port?: number): Promise<Mutation<void>> {
    const { elbv2 } = this.options;
    return this.calls.mutateWithoutDryRun(
      `RegisterTargets ${instanceIds.join(', ')} in ${targetGroupArn}`,
      () => elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [targetGroupArn] })),
      () => elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: instanceIds.map((Id) => ({ Id, ...(port ? { Port: port } : {}) })) })),
      () => undefined,
    );
  }

  async deregisterTargets(targetGroupArn: string, instanceIds: string[], port?: number): Promise<Mutation<void>> {
    const { elbv2 } = this.options;
    return this.calls.mutateWithoutDryRun(
      `DeregisterTargets ${instanceIds.join(', ')} from ${targetGroupArn}`,
      () => elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [targetGroupArn] })),
      () => elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: instanceIds.map((Id) => ({ Id, ...(port ? { Port: port } : {}) })) })),
      () => undefined,
    );
  }

  async describeTargetHealth(targetGroupArn: string, instanceIds?: string[]): Promise<TargetHealth[]> {
    const out = await this.calls.read(`DescribeTargetHealth ${targetGroupArn}`, () =>
      this.options.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn, ...(instanceIds ? { Targets: instanceIds.map((Id) => ({ Id })) } : {}) })),
    );
    return (out.TargetHealthDescriptions ?? []).map((d) => ({
      targetGroupArn,
      instanceId: d.Target?.Id ?? '',
      ...(d.Target?.Port !== undefined ? { port: d.Target.Port } : {}),
      state: (d.TargetHealth?.State ?? 'unavailable') as TargetHealthState,
      ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
    }));
  }

  async targetGroupsOf(instanceId: string): Promise<string[]> {
    const arns: string[] = [];
    let marker: string | undefined;
    do {
      const page = await this.calls.read('DescribeTargetGroups', () => this.options.elbv2.send(new DescribeTargetGroupsCommand({ Marker: marker })));
      arns.push(...(page.TargetGroups ?? []).map((g) => g.TargetGroupArn).filter((a): a is string => !!a));
      marker = page.NextMarker || undefined;
    } while (marker);
    const holding: string[] = [];
    for (const arn of arns) {
      const targets = await this.describeTargetHealth(arn);
      if (targets.some((t) => t.instanceId === instanceId && t.state !== 'draining')) holding.push(arn);
    }
    return holding;
  }

  async describeAddresses(query: { allocationIds?: string[]; publicIps?: string[]; instanceId?: string }): Promise<AddressDescription[]> {
    const out = await this.calls.read('DescribeAddresses', () =>
      this.options.ec2.send(
        new DescribeAddressesCommand({
          ...(query.allocationIds ? { AllocationIds: query.allocationIds } : {}),
          ...(query.publicIps ? { PublicIps: query.publicIps } : {}),
          ...(query.instanceId ? { Filters: [{ Name: 'instance-id', Values: [query.instanceId] }] } : {}),
        }),
      ),
    );
    return (out.Addresses ?? []).map((a) => ({
      allocationId: a.AllocationId ?? '',
      publicIp: a.PublicIp ?? '',
      ...(a.InstanceId ? { instanceId: a.InstanceId } : {}),
      ...(a.NetworkInterfaceId ? { networkInterfaceId: a.NetworkInterfaceId } : {}),
      ...(a.AssociationId ? { associationId: a.AssociationId } : {}),
      ...(a.PrivateIpAddress ? { privateIp: a.PrivateIpAddress } : {}),
    }));
  }

  async associateAddress(request: AssociateAddressRequest): Promise<Mutation<{ associationId: string }>> {
    return this.calls.mutate(
      `AssociateAddress ${request.allocationId} to ${request.instanceId}${request.allowReassociation ? ' (AllowReassociation)' : ''}`,
      (dryRun) =>
        this.options.ec2.send(new AssociateAddressCommand({ AllocationId: request.allocationId, InstanceId: request.instanceId, AllowReassociation: request.allowReassociation, DryRun: dryRun })),
      (out) => ({ associationId: out.AssociationId ?? '' }),
    );
  }

  async upsertARecord(change: ARecordChange): Promise<Mutation<{ changeId: string }>> {
    const { route53 } = this.options;
    return this.calls.mutateWithoutDryRun(
      `ChangeResourceRecordSets UPSERT A ${change.name} → ${change.ip} (TTL ${change.ttl}) in ${change.hostedZoneId}`,
      () => route53.send(new GetHostedZoneCommand({ Id: zoneId(change.hostedZoneId) })),
      () =>
        route53.send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId: zoneId(change.hostedZoneId),
            ChangeBatch: {
              Comment: 'spot-optimizer cut-over',
              Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: fqdn(change.name), Type: 'A', TTL: change.ttl, ResourceRecords: [{ Value: change.ip }] } }],
            },
          }),
        ),
      (out) => ({ changeId: changeIdOf(out.ChangeInfo?.Id ?? '') }),
    );
  }

  async dnsChangeStatus(changeId: string): Promise<DnsChangeStatus> {
    const out = await this.calls.read(`GetChange ${changeId}`, () => this.options.route53.send(new GetChangeCommand({ Id: changeIdOf(changeId) })));
    return out.ChangeInfo?.Status === 'INSYNC' ? 'INSYNC' : 'PENDING';
  }

  async aRecordOf(hostedZoneId: string, name: string): Promise<{ ip: string; ttl: number } | undefined> {
    const out = await this.calls.read(`ListResourceRecordSets ${name}`, () =>
      this.options.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId(hostedZoneId), StartRecordName: fqdn(name), StartRecordType: 'A', MaxItems: 1 })),
    );
    const record = (out.ResourceRecordSets ?? []).find((r) => fqdn(r.Name ?? '') === fqdn(name) && r.Type === 'A');
    const ip = record?.ResourceRecords?.[0]?.Value;
    return ip ? { ip, ttl: record?.TTL ?? 60 } : undefined;
  }

  async describeVolumes(query: VolumeQuery): Promise<VolumeDescription[]> {
    const filters = tagFilters(query.tags);
    const out = await this.calls.read('DescribeVolumes', () =>
      this.options.ec2.send(new DescribeVolumesCommand({ ...(query.volumeIds ? { VolumeIds: query.volumeIds } : {}), ...(filters.length ? { Filters: filters } : {}) })),
    );
    return (out.Volumes ?? []).map((v) => {
      const attachment = (v.Attachments ?? []).find((a) => a.State !== 'detached');
      return {
        volumeId: v.VolumeId ?? '',
        az: v.AvailabilityZone ?? '',
        sizeGiB: v.Size ?? 0,
        volumeType: v.VolumeType ?? 'gp3',
        state: (v.State ?? 'available') as VolumeDescription['state'],
        ...(v.SnapshotId ? { snapshotId: v.SnapshotId } : {}),
        ...(attachment?.InstanceId
          ? { attachment: { instanceId: attachment.InstanceId, device: attachment.Device ?? '', state: (attachment.State ?? 'attached') as 'attached', deleteOnTermination: attachment.DeleteOnTermination ?? false } }
          : {}),
        tags: tagsOf(v.Tags),
      };
    });
  }

  async detachVolume(request: { volumeId: string; instanceId: string; force?: boolean }): Promise<Mutation<void>> {
    return this.calls.mutate(
      `DetachVolume ${request.volumeId} from ${request.instanceId}${request.force ? ' (Force)' : ''}`,
      (dryRun) => this.options.ec2.send(new DetachVolumeCommand({ VolumeId: request.volumeId, InstanceId: request.instanceId, Force: request.force ?? false, DryRun: dryRun })),
      () => undefined,
    );
  }

  async attachVolume(request: { volumeId: string; instanceId: string; device: string }): Promise<Mutation<void>> {
    return this.calls.mutate(
      `AttachVolume ${request.volumeId} to ${request.instanceId} as ${request.device}`,
      (dryRun) => this.options.ec2.send(new AttachVolumeCommand({ VolumeId: request.volumeId, InstanceId: request.instanceId, Device: request.device, DryRun: dryRun })),
      () => undefined,
    );
  }

  async createSnapshot(request: { volumeId: string; description?: string; tags?: Record<string, string> }): Promise<Mutation<{ snapshotId: string }>> {
    const tags = tagList(request.tags ?? {});
    return this.calls.mutate(
      `CreateSnapshot of ${request.volumeId}`,
      (dryRun) =>
        this.options.ec2.send(
          new CreateSnapshotCommand({
            VolumeId: request.volumeId,
            Description: request.description,
            ...(tags.length ? { TagSpecifications: [{ ResourceType: 'snapshot', Tags: tags }] } : {}),
            DryRun: dryRun,
          }),
        ),
      (out) => ({ snapshotId: out.SnapshotId ?? '' }),
    );
  }

  async describeSnapshots(query: SnapshotQuery): Promise<SnapshotDescription[]> {
    const filters = tagFilters(query.tags);
    const out = await this.calls.read('DescribeSnapshots', () =>
      this.options.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], ...(query.snapshotIds ? { SnapshotIds: query.snapshotIds } : {}), ...(filters.length ? { Filters: filters } : {}) })),
    );
    return (out.Snapshots ?? []).map((s) => ({
      snapshotId: s.SnapshotId ?? '',
      volumeId: s.VolumeId ?? '',
      state: (s.State === 'completed' ? 'completed' : s.State === 'error' ? 'error' : 'pending') as SnapshotDescription['state'],
      progress: s.State === 'completed' ? 100 : Number.parseFloat(s.Progress ?? '0') || 0,
      startTime: s.StartTime ? new Date(s.StartTime) : new Date(0),
      tags: tagsOf(s.Tags),
    }));
  }

  async createVolume(request: { snapshotId: string; az: string; volumeType?: string; tags?: Record<string, string> }): Promise<Mutation<{ volumeId: string }>> {
    const tags = tagList(request.tags ?? {});
    return this.calls.mutate(
      `CreateVolume from ${request.snapshotId} in ${request.az}`,
      (dryRun) =>
        this.options.ec2.send(
          new CreateVolumeCommand({
            SnapshotId: request.snapshotId,
            AvailabilityZone: request.az,
            VolumeType: (request.volumeType ?? 'gp3') as VolumeType,
            ...(tags.length ? { TagSpecifications: [{ ResourceType: 'volume', Tags: tags }] } : {}),
            DryRun: dryRun,
          }),
        ),
      (out) => ({ volumeId: out.VolumeId ?? '' }),
    );
  }

  async deleteVolume(volumeId: string): Promise<Mutation<void>> {
    return this.calls.mutate(`DeleteVolume ${volumeId}`, (dryRun) => this.options.ec2.send(new DeleteVolumeCommand({ VolumeId: volumeId, DryRun: dryRun })), () => undefined);
  }

  async deleteSnapshot(snapshotId: string): Promise<Mutation<void>> {
    return this.calls.mutate(`DeleteSnapshot ${snapshotId}`, (dryRun) => this.options.ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId, DryRun: dryRun })), () => undefined);
  }

  async describeNetworkInterfaces(ids: string[]): Promise<NetworkInterfaceDescription[]> {
    const out = await this.calls.read('DescribeNetworkInterfaces', () => this.options.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ids })));
    return (out.NetworkInterfaces ?? []).map((n) => ({
      networkInterfaceId: n.NetworkInterfaceId ?? '',
      az: n.AvailabilityZone ?? '',
      privateIp: n.PrivateIpAddress ?? '',
      status: n.Status ?? 'available',
      ...(n.Attachment?.AttachmentId && n.Attachment.InstanceId
        ? { attachment: { attachmentId: n.Attachment.AttachmentId, instanceId: n.Attachment.InstanceId, deviceIndex: n.Attachment.DeviceIndex ?? 1, status: n.Attachment.Status ?? 'attached' } }
        : {}),
    }));
  }

  async detachNetworkInterface(request: { attachmentId: string; force?: boolean }): Promise<Mutation<void>> {
    return this.calls.mutate(
      `DetachNetworkInterface ${request.attachmentId}${request.force ? ' (Force)' : ''}`,
      (dryRun) => this.options.ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: request.attachmentId, Force: request.force ?? false, DryRun: dryRun })),
      () => undefined,
    );
  }

  async attachNetworkInterface(request: { networkInterfaceId: string; instanceId: string; deviceIndex: number }): Promise<Mutation<{ attachmentId: string }>> {
    return this.calls.mutate(
      `AttachNetworkInterface ${request.networkInterfaceId} to ${request.instanceId} at index ${request.deviceIndex}`,
      (dryRun) =>
        this.options.ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: request.networkInterfaceId, InstanceId: request.instanceId, DeviceIndex: request.deviceIndex, DryRun: dryRun })),
      (out) => ({ attachmentId: out.AttachmentId ?? '' }),
    );
  }

  async instanceAddressing(instanceId: string): Promise<InstanceAddressing> {
    const out = await this.calls.read('DescribeInstances', () => this.options.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })));
    const instance = (out.Reservations ?? []).flatMap((r) => r.Instances ?? [])[0];
    if (!instance) throw new DomainError('not_found', 'INSTANCE_NOT_FOUND', `DescribeInstances: ${instanceId} not found`, { aws_code: 'InvalidInstanceID.NotFound' });
    return { instanceId, ...(instance.PrivateIpAddress ? { privateIp: instance.PrivateIpAddress } : {}), ...(instance.PublicIpAddress ? { publicIp: instance.PublicIpAddress } : {}) };
  }
}
