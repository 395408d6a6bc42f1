import { ContinuityCloud, VolumeDescription } from '@spot/cloud';
import { DomainError } from '@spot/core';
import { ContinuitySettings } from './settings';

/** The concrete resources a cut-over moves, found from the settings just before it starts. */
export interface ResolvedContinuity {
  targetGroupArns: string[];
  allocationId?: string;
  dns?: { hostedZoneId: string; name: string; ttl: number };
  /** The data volumes attached to the old instance now, with their devices. */
  volumes: Array<{ volumeId: string; az: string; device: string; volumeType: string }>;
  crossAzSnapshot: boolean;
  networkInterface?: { networkInterfaceId: string; deviceIndex: number };
}

/** Turns the agent's settings into resource ids: discovered target groups, the current address, tagged volumes. */
export async function resolveContinuity(cloud: ContinuityCloud, settings: ContinuitySettings, oldInstanceId: string): Promise<ResolvedContinuity> {
  const targetGroupArns = new Set(settings.targetGroups?.arns ?? []);
  if (settings.targetGroups?.discover) for (const arn of await cloud.targetGroupsOf(oldInstanceId)) targetGroupArns.add(arn);

  let allocationId = settings.elasticIp?.allocationId;
  if (settings.elasticIp?.current) {
    const [held] = await cloud.describeAddresses({ instanceId: oldInstanceId });
    if (!held) throw DomainError.invalid('CONTINUITY_NO_ADDRESS', `elastic_ip.current: instance ${oldInstanceId} holds no Elastic IP`);
    allocationId = held.allocationId;
  }

  const found = new Map<string, VolumeDescription>();
  for (const selector of settings.dataVolumes ?? []) {
    const volumes = selector.volumeId ? await cloud.describeVolumes({ volumeIds: [selector.volumeId] }) : await cloud.describeVolumes({ tags: { [selector.tag!.key]: selector.tag!.value } });
    // A tag names the workload's volumes wherever they are: a promoted replica's copies carry it
    // too (replica sync copies the tags), so only those on the old instance are its data.
    const mine = selector.tag ? volumes.filter((v) => v.attachment?.instanceId === oldInstanceId) : volumes;
    for (const v of mine.length || !selector.tag ? mine : volumes) found.set(v.volumeId, v);
  }
  const volumes = [...found.values()].map((v) => {
    if (v.attachment?.instanceId !== oldInstanceId) {
      throw DomainError.invalid('CONTINUITY_VOLUME_NOT_ATTACHED', `data volume ${v.volumeId} is not attached to ${oldInstanceId} (${v.attachment ? `it is on ${v.attachment.instanceId}` : 'it is detached'})`);
    }
    if (v.attachment.deleteOnTermination) {
      throw DomainError.invalid('CONTINUITY_VOLUME_DELETED_ON_TERMINATION', `data volume ${v.volumeId} has DeleteOnTermination: AWS would delete it with ${oldInstanceId} (turn it off with ModifyInstanceAttribute)`);
    }
    return { volumeId: v.volumeId, az: v.az, device: v.attachment.device, volumeType: v.volumeType };
  });

  return {
    targetGroupArns: [...targetGroupArns],
    ...(allocationId ? { allocationId } : {}),
    ...(settings.dns ? { dns: settings.dns } : {}),
    volumes,
    crossAzSnapshot: settings.crossAzSnapshot ?? true,
    ...(settings.networkInterface ? { networkInterface: { networkInterfaceId: settings.networkInterface.networkInterfaceId, deviceIndex: settings.networkInterface.deviceIndex ?? 1 } } : {}),
  };
}
