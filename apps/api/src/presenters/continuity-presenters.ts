import { ContinuitySettingsDto, HookSettingDto } from '@spot/contracts';
import { ContinuitySettings, HookName, HookSpec } from '@spot/continuity';

const hookIn = (h: HookSettingDto | undefined): HookSpec | undefined => (h ? { command: h.command, timeoutSeconds: h.timeout_seconds } : undefined);
const hookOut = (h: HookSpec | undefined): HookSettingDto | undefined => (h ? { command: h.command, timeout_seconds: h.timeoutSeconds } : undefined);
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** Wire (snake_case) → the continuity lib's settings. */
export function fromContinuityDto(dto: ContinuitySettingsDto): ContinuitySettings {
  const hooks = dto.hooks
    ? defined({ pre_switch: hookIn(dto.hooks.pre_switch), post_switch: hookIn(dto.hooks.post_switch), pre_promote: hookIn(dto.hooks.pre_promote), post_promote: hookIn(dto.hooks.post_promote), sync: hookIn(dto.hooks.sync) })
    : undefined;
  return defined({
    targetGroups: dto.target_groups ? defined({ arns: dto.target_groups.arns, discover: dto.target_groups.discover }) : undefined,
    elasticIp: dto.elastic_ip ? defined({ allocationId: dto.elastic_ip.allocation_id, current: dto.elastic_ip.current }) : undefined,
    dns: dto.dns ? { hostedZoneId: dto.dns.hosted_zone_id, name: dto.dns.name, ttl: dto.dns.ttl } : undefined,
    dataVolumes: dto.data_volumes?.map((v) => defined({ volumeId: v.volume_id, tag: v.tag ? { key: v.tag.key, value: v.tag.value } : undefined, az: v.az })),
    crossAzSnapshot: dto.cross_az_snapshot,
    networkInterface: dto.network_interface ? defined({ networkInterfaceId: dto.network_interface.network_interface_id, deviceIndex: dto.network_interface.device_index }) : undefined,
    hooks: hooks as Partial<Record<HookName, HookSpec>> | undefined,
  });
}

/** The continuity lib's settings → wire. */
export function toContinuityDto(s: ContinuitySettings | null): ContinuitySettingsDto | null {
  if (!s) return null;
  return defined({
    target_groups: s.targetGroups ? defined({ arns: s.targetGroups.arns, discover: s.targetGroups.discover }) : undefined,
    elastic_ip: s.elasticIp ? defined({ allocation_id: s.elasticIp.allocationId, current: s.elasticIp.current }) : undefined,
    dns: s.dns ? { hosted_zone_id: s.dns.hostedZoneId, name: s.dns.name, ttl: s.dns.ttl } : undefined,
    data_volumes: s.dataVolumes?.map((v) => defined({ volume_id: v.volumeId, tag: v.tag, az: v.az })),
    cross_az_snapshot: s.crossAzSnapshot,
    network_interface: s.networkInterface ? defined({ network_interface_id: s.networkInterface.networkInterfaceId, device_index: s.networkInterface.deviceIndex }) : undefined,
    hooks: s.hooks
      ? defined({ pre_switch: hookOut(s.hooks.pre_switch), post_switch: hookOut(s.hooks.post_switch), pre_promote: hookOut(s.hooks.pre_promote), post_promote: hookOut(s.hooks.post_promote), sync: hookOut(s.hooks.sync) })
      : undefined,
  });
}
