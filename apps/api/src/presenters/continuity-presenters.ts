import { ContinuitySettingsDto, HookSettingDto } from '@spot/contracts';
import { ContinuitySettings, continuitySettingsFromWire, HookSpec } from '@spot/continuity';

const hookOut = (h: HookSpec | undefined): HookSettingDto | undefined => (h ? { command: h.command, timeout_seconds: h.timeoutSeconds } : undefined);
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** Wire (snake_case) → the continuity lib's settings (shared with the agent). */
export const fromContinuityDto = (dto: ContinuitySettingsDto): ContinuitySettings => continuitySettingsFromWire(dto);

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
