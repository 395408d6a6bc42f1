import { PATTERNS } from '@spot/contracts';
import { ImdsClient } from './imds-client';

/** What the agent process reads from its environment. */
export const AGENT_CONFIG_VARIABLES: Array<{ name: string; default?: string; description: string }> = [
  { name: 'CENTRAL_SERVER_URL', default: 'http://localhost:8000', description: 'Agent: base URL of the control plane API' },
  { name: 'CLIENT_TOKEN', default: '', description: 'Agent: the client token (spc_…) it registers with' },
  { name: 'SPOT_LOGICAL_AGENT_ID', default: '', description: 'Agent: stable name of the workload (defaults to the hostname)' },
  { name: 'HEARTBEAT_INTERVAL', default: '', description: 'Agent: seconds between heartbeats (default: the control plane’s, 60)' },
  { name: 'PRICING_INTERVAL', default: '', description: 'Agent: seconds between pricing reports (default 60)' },
  { name: 'COMMAND_POLL_INTERVAL', default: '', description: 'Agent: seconds between command polls (default 30)' },
  { name: 'INTERRUPTION_CHECK_INTERVAL', default: '', description: 'Agent: seconds between IMDS notice checks (default 5)' },
  { name: 'CLEANUP_INTERVAL_HOURS', default: '24', description: 'Agent: hours between its own AMI/snapshot cleanups (0 = only when the control plane asks)' },
  { name: 'CLEANUP_RETENTION_DAYS', default: '7', description: 'Agent: its AMIs older than this go (the newest two always stay)' },
  { name: 'SPOT_AGENT_STATE_DIR', default: '/var/lib/spot-agent', description: 'Agent: directory of the on-disk report queue and the agent state (role, pending termination)' },
  { name: 'SAFE_MODE', default: 'false', description: 'Agent: true = every AWS change is a DryRun, logged as "would execute"' },
  { name: 'REBALANCE_ALWAYS_REPLICA', default: 'false', description: 'Agent: true = every rebalance recommendation asks for an emergency replica at once, instead of the control plane scoring the risk' },
  { name: 'SAFE_MODE_AFTER_SECONDS', default: '900', description: 'Agent: control plane unreachable this long → safe mode (no risky moves, on-demand launches)' },
  { name: 'REPLICA_SYNC_INTERVAL', default: '300', description: 'Agent: seconds between a replica\'s incremental snapshot rounds of the data volumes (60–86400); ready while its newest snapshot is younger' },
  { name: 'AWS_EC2_METADATA_SERVICE_ENDPOINT', default: 'http://169.254.169.254', description: 'Agent: IMDS endpoint (the AWS SDK standard variable)' },
  { name: 'SPOT_IDENTITY', default: 'imds', description: 'Agent: imds (on EC2) | env (SPOT_INSTANCE_* below, for runs off EC2)' },
  { name: 'SPOT_INSTANCE_ID', default: '', description: 'Agent (SPOT_IDENTITY=env): EC2 instance id' },
  { name: 'SPOT_INSTANCE_TYPE', default: '', description: 'Agent (SPOT_IDENTITY=env): instance type, e.g. m5.large' },
  { name: 'SPOT_REGION', default: '', description: 'Agent (SPOT_IDENTITY=env): region, e.g. eu-west-1' },
  { name: 'SPOT_AZ', default: '', description: 'Agent (SPOT_IDENTITY=env): availability zone, e.g. eu-west-1a' },
  { name: 'SPOT_MODE', default: 'on-demand', description: 'Agent (SPOT_IDENTITY=env): spot | on-demand' },
];

export interface InstanceIdentity {
  instanceId: string;
  instanceType: string;
  region: string;
  az: string;
  mode: 'spot' | 'on-demand';
  hostname: string;
  /** The AMI it was launched from (IMDS), for dry runs of a launch. */
  imageId?: string;
}

/** Loop periods in seconds; unset ones follow the control plane's configuration. */
export interface IntervalOverrides {
  heartbeat?: number;
  pricing?: number;
  commands?: number;
  interruptions?: number;
}

export interface AgentSettings {
  apiUrl: string;
  clientToken: string;
  logicalAgentId: string;
  intervals?: IntervalOverrides;
  /** Directory of the report queue; none keeps nothing on disk (tests of the session only). */
  stateDir?: string;
  /** Every AWS change a DryRun (seed 003 SAFE_MODE). */
  dryRun?: boolean;
  /** Control plane unreachable this long → safe mode (seed 003 failure level 3). */
  safeModeAfterSeconds?: number;
  /** Every rebalance asks for an emergency replica (create-emergency-replica) instead of being scored. */
  rebalanceAlwaysReplica?: boolean;
  /** The agent's own AMI/snapshot cleanup: every so many hours (0 = off), with this retention. */
  cleanup?: { intervalHours: number; retentionDays: number };
}

export class AgentSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Agent configuration is invalid:\n  - ${problems.join('\n  - ')}`);
    this.name = 'AgentSettingsError';
  }
}

export function readAgentSettings(env: Record<string, string | undefined>, hostname: string): AgentSettings {
  const problems: string[] = [];
  const apiUrl = (env.CENTRAL_SERVER_URL || 'http://localhost:8000').replace(/\/+$/, '');
  try {
    new URL(apiUrl);
  } catch {
    problems.push('CENTRAL_SERVER_URL must be a URL, e.g. https://spot.example.com');
  }
  const clientToken = env.CLIENT_TOKEN ?? '';
  if (!clientToken.startsWith('spc_')) problems.push('CLIENT_TOKEN must be the client token (spc_…) shown when the client was created');
  const logicalAgentId = env.SPOT_LOGICAL_AGENT_ID || hostname;
  if (!PATTERNS.logicalAgentId.test(logicalAgentId)) problems.push('SPOT_LOGICAL_AGENT_ID may contain letters, digits and . _ : / -');
  const seconds = (name: string, min: number, max: number, unit = 'seconds'): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) {
      problems.push(`${name} must be a number of ${unit} from ${min} to ${max}`);
      return undefined;
    }
    return value;
  };
  const intervals: IntervalOverrides = {
    heartbeat: seconds('HEARTBEAT_INTERVAL', 1, 3600),
    pricing: seconds('PRICING_INTERVAL', 1, 3600),
    commands: seconds('COMMAND_POLL_INTERVAL', 1, 3600),
    interruptions: seconds('INTERRUPTION_CHECK_INTERVAL', 1, 60),
  };
  const safeModeAfterSeconds = seconds('SAFE_MODE_AFTER_SECONDS', 30, 7 * 86400) ?? 900;
  const cleanup = { intervalHours: seconds('CLEANUP_INTERVAL_HOURS', 0, 24 * 365, 'hours') ?? 24, retentionDays: seconds('CLEANUP_RETENTION_DAYS', 0, 3650, 'days') ?? 7 };
  const flag = (name: string): boolean => {
    const value = (env[name] || 'false').toLowerCase();
    if (!['true', 'false', '1', '0'].includes(value)) problems.push(`${name} must be true or false`);
    return value === 'true' || value === '1';
  };
  const dryRun = flag('SAFE_MODE');
  const rebalanceAlwaysReplica = flag('REBALANCE_ALWAYS_REPLICA');
  if (problems.length) throw new AgentSettingsError(problems);
  return {
    apiUrl,
    clientToken,
    logicalAgentId,
    intervals: Object.fromEntries(Object.entries(intervals).filter(([, v]) => v !== undefined)),
    stateDir: env.SPOT_AGENT_STATE_DIR || '/var/lib/spot-agent',
    dryRun,
    safeModeAfterSeconds,
    rebalanceAlwaysReplica,
    cleanup,
  };
}

/** Where the agent learns which instance it runs on: a port, so IMDS can replace the environment later. */
export abstract class InstanceIdentitySource {
  abstract read(): Promise<InstanceIdentity>;
}

export class EnvInstanceIdentitySource extends InstanceIdentitySource {
  constructor(private readonly env: Record<string, string | undefined>, private readonly hostname: string) {
    super();
  }

  async read(): Promise<InstanceIdentity> {
    const { SPOT_INSTANCE_ID: instanceId = '', SPOT_INSTANCE_TYPE: instanceType = '', SPOT_REGION: region = '', SPOT_AZ: az = '' } = this.env;
    const mode = this.env.SPOT_MODE || 'on-demand';
    const problems: string[] = [];
    if (!PATTERNS.instanceId.test(instanceId)) problems.push('SPOT_INSTANCE_ID must be an EC2 instance id (i-…)');
    if (!PATTERNS.instanceType.test(instanceType)) problems.push('SPOT_INSTANCE_TYPE must look like m5.large');
    if (!PATTERNS.region.test(region)) problems.push('SPOT_REGION must look like eu-west-1');
    if (!PATTERNS.az.test(az) || !az.startsWith(region)) problems.push('SPOT_AZ must be a zone of SPOT_REGION, e.g. eu-west-1a');
    if (mode !== 'spot' && mode !== 'on-demand') problems.push('SPOT_MODE must be spot or on-demand');
    if (problems.length) throw new AgentSettingsError(problems);
    return { instanceId, instanceType, region, az, mode: mode as InstanceIdentity['mode'], hostname: this.hostname };
  }
}

/** The instance as IMDS describes it (DESIGN §6). */
export class ImdsInstanceIdentitySource extends InstanceIdentitySource {
  private cached: InstanceIdentity | undefined;

  constructor(private readonly imds: ImdsClient) {
    super();
  }

  async read(): Promise<InstanceIdentity> {
    if (this.cached) return this.cached;
    const doc = await this.imds.identityDocument();
    const mode = await this.imds.lifeCycle();
    const hostname = (await this.imds.hostname()) ?? doc.instanceId;
    this.cached = { instanceId: doc.instanceId, instanceType: doc.instanceType, region: doc.region, az: doc.availabilityZone, mode, hostname, imageId: doc.imageId || undefined };
    return this.cached;
  }
}
