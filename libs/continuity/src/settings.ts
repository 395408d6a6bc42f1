import { FieldProblem } from '@spot/core';

/** When a hook runs (docs/continuity.md "Hooks"). */
export const HOOK_NAMES = ['pre_switch', 'post_switch', 'pre_promote', 'post_promote', 'sync'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

export interface HookSpec {
  /** Run by `/bin/sh -c` on the instance. */
  command: string;
  /** Killed after this long; the step then fails. */
  timeoutSeconds: number;
}

export interface DataVolumeSelector {
  volumeId?: string;
  /** Volumes carrying this tag (all of them). */
  tag?: { key: string; value: string };
  /** The volume's zone, when known at configuration time (checked against the instance's). */
  az?: string;
}

/** What follows the workload on a switch or failover, per agent (issue 14). */
export interface ContinuitySettings {
  targetGroups?: {
    arns?: string[];
    /** Find the groups that hold the instance with DescribeTargetHealth at registration. */
    discover?: boolean;
  };
  elasticIp?: {
    allocationId?: string;
    /** The address associated with the instance now. */
    current?: boolean;
  };
  dns?: { hostedZoneId: string; name: string; ttl: number };
  dataVolumes?: DataVolumeSelector[];
  /** A volume in another zone than the new instance goes snapshot → CreateVolume there (default true). */
  crossAzSnapshot?: boolean;
  networkInterface?: { networkInterfaceId: string; deviceIndex?: number };
  hooks?: Partial<Record<HookName, HookSpec>>;
}

const TG_ARN = /^arn:(aws[a-z-]*):elasticloadbalancing:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/;
const ALLOCATION_ID = /^eipalloc-[0-9a-f]{8,17}$/;
const VOLUME_ID = /^vol-[0-9a-f]{8,17}$/;
const ENI_ID = /^eni-[0-9a-f]{8,17}$/;
const ZONE_ID = /^(\/hostedzone\/)?Z[A-Z0-9]{1,31}$/;
const DNS_NAME = /^(?=.{1,253}\.?$)(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}\.?$/i;
const AZ = /^[a-z]{2}(?:-[a-z]+)+-\d[a-z]$/;

export interface SettingsContext {
  /** The agent's region: every resource must be in it. */
  region: string;
  /** The instance's zone now (a volume elsewhere needs the snapshot path). */
  az?: string;
}

/**
 * The checks that need no AWS call, shared by the API (400 naming the field) and the agent.
 * Field names are the wire names (snake_case, array items as `.0`), as the API's 400 names them.
 */
export function validateContinuitySettings(settings: ContinuitySettings, context: SettingsContext, prefix = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, problem: string) => problems.push({ field: `${prefix}${field}`, problems: [`${prefix}${field} ${problem}`] });

  settings.targetGroups?.arns?.forEach((arn, i) => {
    const m = TG_ARN.exec(arn);
    if (!m) add(`target_groups.arns.${i}`, 'must be a target group ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>)');
    else if (m[2] !== context.region) add(`target_groups.arns.${i}`, `is in ${m[2]}, the agent runs in ${context.region}: a target group only takes instances of its own region`);
  });
  if (settings.targetGroups && !settings.targetGroups.arns?.length && !settings.targetGroups.discover) add('target_groups', 'give arns, or discover: true');
  if (new Set(settings.targetGroups?.arns ?? []).size !== (settings.targetGroups?.arns ?? []).length) add('target_groups.arns', 'lists a target group twice');

  const eip = settings.elasticIp;
  if (eip) {
    if (eip.allocationId !== undefined && !ALLOCATION_ID.test(eip.allocationId)) add('elastic_ip.allocation_id', 'must be an allocation id (eipalloc- followed by 8 or 17 hex digits)');
    if (eip.allocationId === undefined && !eip.current) add('elastic_ip', 'give allocation_id, or current: true');
    if (eip.allocationId !== undefined && eip.current) add('elastic_ip', 'allocation_id and current: true exclude each other');
  }

  const dns = settings.dns;
  if (dns) {
    if (!ZONE_ID.test(dns.hostedZoneId ?? '')) add('dns.hosted_zone_id', 'must be a Route 53 hosted zone id (Z…)');
    if (!DNS_NAME.test(dns.name ?? '')) add('dns.name', 'must be a DNS name such as app.example.com');
    if (!Number.isInteger(dns.ttl) || dns.ttl < 0 || dns.ttl > 172_800) add('dns.ttl', 'must be a whole number of seconds from 0 to 172800');
  }

  const crossAz = settings.crossAzSnapshot ?? true;
  settings.dataVolumes?.forEach((v, i) => {
    if (!v.volumeId === !v.tag) add(`data_volumes.${i}`, 'give exactly one of volume_id and tag');
    if (v.volumeId !== undefined && !VOLUME_ID.test(v.volumeId)) add(`data_volumes.${i}.volume_id`, 'must be an EBS volume id (vol- followed by 8 or 17 hex digits)');
    if (v.tag && (!v.tag.key || v.tag.key.length > 128 || (v.tag.value ?? '').length > 256)) add(`data_volumes.${i}.tag`, 'needs a key (≤ 128 characters) and a value (≤ 256)');
    if (v.az !== undefined) {
      if (!AZ.test(v.az)) add(`data_volumes.${i}.az`, 'must look like eu-west-1a');
      else if (!v.az.startsWith(context.region)) add(`data_volumes.${i}.az`, `is not a zone of ${context.region}`);
      else if (context.az && v.az !== context.az && !crossAz) {
        add(`data_volumes.${i}.az`, `is ${v.az} while the instance is in ${context.az}, and cross_az_snapshot is off: the volume could not be attached (no snapshot path)`);
      }
    }
  });

  if (settings.networkInterface && !ENI_ID.test(settings.networkInterface.networkInterfaceId ?? '')) add('network_interface.network_interface_id', 'must be a network interface id (eni-…)');
  if (settings.networkInterface?.deviceIndex !== undefined && (!Number.isInteger(settings.networkInterface.deviceIndex) || settings.networkInterface.deviceIndex < 1 || settings.networkInterface.deviceIndex > 15)) {
    add('network_interface.device_index', 'must be 1–15 (0 is the primary interface, which cannot move)');
  }

  for (const [name, hook] of Object.entries(settings.hooks ?? {})) {
    if (!(HOOK_NAMES as readonly string[]).includes(name)) add(`hooks.${name}`, `is not a hook (${HOOK_NAMES.join(', ')})`);
    if (!hook) continue;
    if (typeof hook.command !== 'string' || !hook.command.trim() || hook.command.length > 4096) add(`hooks.${name}.command`, 'must be a command of 1–4096 characters');
    if (!Number.isInteger(hook.timeoutSeconds) || hook.timeoutSeconds < 1 || hook.timeoutSeconds > 3600) add(`hooks.${name}.timeout_seconds`, 'must be 1–3600 seconds');
  }
  if (settings.hooks?.pre_switch && settings.hooks.pre_switch.timeoutSeconds > 90) {
    add('hooks.pre_switch.timeout_seconds', 'must be at most 90 s: the pre-switch hook also runs inside the 2-minute notice of a failover');
  }
  return problems;
}

/** The region an ELBv2 ARN belongs to, or undefined. */
export const regionOfTargetGroupArn = (arn: string): string | undefined => TG_ARN.exec(arn)?.[2];
