import type { ContinuitySettingsDto, HookSettingDto } from '@spot/contracts';
import { ContinuitySettings, HookName, HookSpec } from './settings';

const hookIn = (h: HookSettingDto | undefined): HookSpec | undefined => (h ? { command: h.command, timeoutSeconds: h.timeout_seconds } : undefined);
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/**
 * Wire (snake_case, the API's body and the agent's config `continuity`) → the lib's settings.
 * Shared by the API (PUT …/continuity) and the agent (its config), so both read the same thing.
 */
export function continuitySettingsFromWire(dto: ContinuitySettingsDto): ContinuitySettings {
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

/** Anything to move at all (no settings, or `{}`: a switch moves only the instance). */
export function hasContinuity(settings: ContinuitySettings | null | undefined): settings is ContinuitySettings {
  if (!settings) return false;
  return !!(settings.targetGroups || settings.elasticIp || settings.dns || settings.dataVolumes?.length || settings.networkInterface || (settings.hooks && Object.keys(settings.hooks).length));
}
