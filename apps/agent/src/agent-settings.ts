import { PATTERNS } from '@spot/contracts';

/** What the agent process reads from its environment. */
export const AGENT_CONFIG_VARIABLES: Array<{ name: string; default?: string; description: string }> = [
  { name: 'SPOT_API_URL', default: 'http://localhost:8000', description: 'Agent: base URL of the control plane API' },
  { name: 'SPOT_CLIENT_TOKEN', default: '', description: 'Agent: the client token (spc_…) it registers with' },
  { name: 'SPOT_LOGICAL_AGENT_ID', default: '', description: 'Agent: stable name of the workload (defaults to the hostname)' },
  { name: 'SPOT_INSTANCE_ID', default: '', description: 'Agent: EC2 instance id, until IMDS discovery is built' },
  { name: 'SPOT_INSTANCE_TYPE', default: '', description: 'Agent: instance type, e.g. m5.large' },
  { name: 'SPOT_REGION', default: '', description: 'Agent: region, e.g. eu-west-1' },
  { name: 'SPOT_AZ', default: '', description: 'Agent: availability zone, e.g. eu-west-1a' },
  { name: 'SPOT_MODE', default: 'on-demand', description: 'Agent: spot | on-demand' },
];

export interface InstanceIdentity {
  instanceId: string;
  instanceType: string;
  region: string;
  az: string;
  mode: 'spot' | 'on-demand';
  hostname: string;
}

export interface AgentSettings {
  apiUrl: string;
  clientToken: string;
  logicalAgentId: string;
}

export class AgentSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Agent configuration is invalid:\n  - ${problems.join('\n  - ')}`);
    this.name = 'AgentSettingsError';
  }
}

export function readAgentSettings(env: Record<string, string | undefined>, hostname: string): AgentSettings {
  const problems: string[] = [];
  const apiUrl = (env.SPOT_API_URL || 'http://localhost:8000').replace(/\/+$/, '');
  try {
    new URL(apiUrl);
  } catch {
    problems.push('SPOT_API_URL must be a URL, e.g. https://spot.example.com');
  }
  const clientToken = env.SPOT_CLIENT_TOKEN ?? '';
  if (!clientToken.startsWith('spc_')) problems.push('SPOT_CLIENT_TOKEN must be the client token (spc_…) shown when the client was created');
  const logicalAgentId = env.SPOT_LOGICAL_AGENT_ID || hostname;
  if (!PATTERNS.logicalAgentId.test(logicalAgentId)) problems.push('SPOT_LOGICAL_AGENT_ID may contain letters, digits and . _ : / -');
  if (problems.length) throw new AgentSettingsError(problems);
  return { apiUrl, clientToken, logicalAgentId };
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
