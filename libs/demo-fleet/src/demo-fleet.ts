import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InstanceDescription, SimulatedCloud } from '@spot/cloud';
import { Clock, StructuredLogger } from '@spot/core';

/** What the fleet needs of an agent process (the real SpotAgent in the demo app). */
export interface FleetAgent {
  boot(): Promise<{ agentId: string; role: string }>;
  start(): void;
  shutdown(flushWithinMs?: number): Promise<unknown>;
  readonly currentRole: string;
  readonly instanceId: string | undefined;
}

/** Starts the agent process of one instance (as the AMI's systemd unit would on EC2). */
export type AgentFactory = (instance: InstanceDescription, logicalAgentId: string, clientToken: string) => FleetAgent;

/** Timers of the fleet itself (real ones on `npm start`, manual ones in the compressed test). */
export interface FleetTimers {
  after(ms: number, work: () => void | Promise<unknown>): () => void;
}

export interface DemoWorkload {
  logicalAgentId: string;
  instanceType: string;
  az: string;
}

/**
 * Five workloads (a signed-up client may run five agents, seed 001 `max_agents`) on the trace's
 * types, started on-demand so the engine has savings to find.
 */
export const DEMO_WORKLOADS: DemoWorkload[] = [
  { logicalAgentId: 'demo-web-1', instanceType: 'm5.large', az: 'eu-west-1a' },
  { logicalAgentId: 'demo-web-2', instanceType: 'c5.large', az: 'eu-west-1b' },
  { logicalAgentId: 'demo-api-1', instanceType: 'm5.xlarge', az: 'eu-west-1c' },
  { logicalAgentId: 'demo-cache-1', instanceType: 'r5.large', az: 'eu-west-1a' },
  { logicalAgentId: 'demo-worker-1', instanceType: 'c5.xlarge', az: 'eu-west-1b' },
];

/**
 * The scripted part of the demo, so a newcomer sees every path within ten minutes (the market's
 * own interruptions are rare at real Advisor rates): a rebalance on one workload (emergency
 * replica), a termination of that same workload later (its ready replica is promoted), and a
 * termination without a replica on another (emergency launch, then promotion).
 */
export interface DemoScript {
  rebalanceAtMs: number;
  terminationWithReplicaAtMs: number;
  terminationWithoutReplicaAtMs: number;
}

export const DEFAULT_SCRIPT: DemoScript = { rebalanceAtMs: 6 * 60_000, terminationWithReplicaAtMs: 7.5 * 60_000, terminationWithoutReplicaAtMs: 8 * 60_000 };

export interface DemoFleetOptions {
  apiUrl: string;
  cloud: SimulatedCloud;
  clock: Clock;
  timers: FleetTimers;
  logger: StructuredLogger;
  agentFactory: AgentFactory;
  workloads?: DemoWorkload[];
  script?: DemoScript | null;
  /** Where the demo client's credentials are kept, so a restart reuses the client. */
  credentialsFile?: string;
  /** How long a new instance takes to run its agent after it is running. */
  agentStartDelayMs?: number;
  fetchImpl?: typeof fetch;
}

interface DemoCredentials {
  email: string;
  password: string;
  clientId: string;
  clientToken: string;
}

const COMPONENT = 'DEMO-FLEET';
const AGENT_TAG = 'spot-optimizer:agent';

/**
 * A demo client with a simulated fleet: each instance runs the real agent code against the
 * simulated cloud and its IMDS. Instances the agents launch (switch targets, replicas) boot the
 * agent too — their AMI carries it — and agents of terminated instances stop.
 */
export class DemoFleet {
  private readonly agents = new Map<string, { agent: FleetAgent; logicalAgentId: string }>();
  private readonly cancels: Array<() => void> = [];
  private credentials: DemoCredentials | undefined;
  private startedAt = 0;
  private stopped = false;

  constructor(private readonly options: DemoFleetOptions) {}

  get clientId(): string | undefined {
    return this.credentials?.clientId;
  }

  get userCredentials(): { email: string; password: string } | undefined {
    return this.credentials && { email: this.credentials.email, password: this.credentials.password };
  }

  /** Running agents by instance id. */
  runningAgents(): Array<{ instanceId: string; logicalAgentId: string; role: string }> {
    return [...this.agents.entries()].map(([instanceId, a]) => ({ instanceId, logicalAgentId: a.logicalAgentId, role: a.agent.currentRole }));
  }

  async start(): Promise<void> {
    this.startedAt = this.options.clock.nowMs();
    this.credentials = await this.demoClient();
    const { cloud } = this.options;
    cloud.onLaunch((instance) => this.whenRunning(instance));
    const image = cloud.registerImage('demo-workload-with-agent');
    for (const w of this.options.workloads ?? DEMO_WORKLOADS) {
      await cloud.launchInstance({ instanceType: w.instanceType, az: w.az, mode: 'on-demand', imageId: image, clientToken: `demo-${w.logicalAgentId}-${this.startedAt}`, tags: { [AGENT_TAG]: w.logicalAgentId } });
    }
    this.every(2_000, () => this.reapTerminated());
    const script = this.options.script === undefined ? DEFAULT_SCRIPT : this.options.script;
    if (script) this.schedule(script);
    this.log('START', 'SUCCESS', `demo client ${this.credentials.clientId} (log in as ${this.credentials.email} / ${this.credentials.password}) with ${(this.options.workloads ?? DEMO_WORKLOADS).length} simulated instances`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const cancel of this.cancels.splice(0)) cancel();
    await Promise.all([...this.agents.values()].map((a) => a.agent.shutdown(2_000)));
    this.agents.clear();
  }

  /** A launched instance runs its agent once it is up (the logical id comes from the AMI's tag). */
  private whenRunning(instance: InstanceDescription): void {
    const logicalAgentId = instance.tags[AGENT_TAG];
    if (!logicalAgentId || !this.credentials) return;
    const check = async () => {
      if (this.stopped) return;
      const [now] = await this.options.cloud.describeInstances([instance.instanceId]);
      if (now.state === 'pending') {
        this.cancels.push(this.options.timers.after(1_000, check));
        return;
      }
      if (now.state !== 'running') return;
      const agent = this.options.agentFactory(now, logicalAgentId, this.credentials!.clientToken);
      this.agents.set(instance.instanceId, { agent, logicalAgentId });
      try {
        await agent.boot();
        agent.start();
      } catch (error) {
        this.log('AGENT-BOOT', 'FAILURE', `${logicalAgentId} on ${instance.instanceId}: ${error instanceof Error ? error.message : String(error)}; retrying`);
        this.agents.delete(instance.instanceId);
        this.cancels.push(this.options.timers.after(5_000, check));
      }
    };
    this.cancels.push(this.options.timers.after(this.options.agentStartDelayMs ?? 1_000, check));
  }

  /** An instance that is gone takes its agent process with it. */
  private async reapTerminated(): Promise<void> {
    if (!this.agents.size) return;
    const states = await this.options.cloud.describeInstances([...this.agents.keys()]);
    for (const s of states.filter((i) => i.state === 'terminated' || i.state === 'shutting-down')) {
      const entry = this.agents.get(s.instanceId);
      this.agents.delete(s.instanceId);
      await entry?.agent.shutdown(1_000);
      this.log('INSTANCE-GONE', 'SUCCESS', `${entry?.logicalAgentId} agent on ${s.instanceId} stopped (${s.state})`);
    }
  }

  private schedule(script: DemoScript): void {
    const [first, second] = (this.options.workloads ?? DEMO_WORKLOADS).map((w) => w.logicalAgentId);
    const at = (offsetMs: number, what: () => void) => this.cancels.push(this.options.timers.after(Math.max(0, this.startedAt + offsetMs - this.options.clock.nowMs()), what));
    const primaryOf = (logicalAgentId: string) => [...this.agents.entries()].find(([, a]) => a.logicalAgentId === logicalAgentId && a.agent.currentRole === 'primary')?.[0];
    at(script.rebalanceAtMs, () => {
      const instanceId = primaryOf(first);
      if (!instanceId) return;
      const now = this.options.clock.nowMs();
      // Rebalance now; the notice itself follows in the termination step below.
      this.options.cloud.scheduleInterruption(instanceId, { rebalanceAt: new Date(now), actionAt: new Date(now + 24 * 3_600_000) });
      this.log('SCRIPT', 'REBALANCE', `${first} on ${instanceId}: rebalance recommendation`);
    });
    at(script.terminationWithReplicaAtMs, () => this.interrupt(first, primaryOf(first)));
    at(script.terminationWithoutReplicaAtMs, () => this.interrupt(second, primaryOf(second)));
  }

  private interrupt(logicalAgentId: string, instanceId: string | undefined): void {
    if (!instanceId) return;
    const now = this.options.clock.nowMs();
    this.options.cloud.scheduleInterruption(instanceId, { actionAt: new Date(now + 120_000), action: 'terminate' });
    this.log('SCRIPT', 'TERMINATION', `${logicalAgentId} on ${instanceId}: 2-minute termination notice`);
  }

  private every(ms: number, work: () => Promise<void>): void {
    const run = async () => {
      if (this.stopped) return;
      await work().catch((error) => this.log('TICK', 'FAILURE', error instanceof Error ? error.message : String(error)));
      if (!this.stopped) this.cancels.push(this.options.timers.after(ms, run));
    };
    this.cancels.push(this.options.timers.after(ms, run));
  }

  /** The demo client: signed up once through the public API, kept for restarts. */
  private async demoClient(): Promise<DemoCredentials> {
    const file = this.options.credentialsFile;
    if (file && existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials;
      const check = await this.call('GET', `/api/client/${saved.clientId}`, undefined, saved.clientToken);
      if (check.status === 200) return saved;
    }
    const suffix = this.options.clock.nowMs().toString(36);
    const email = `demo-${suffix}@demo.spot-optimizer.local`;
    const password = `demo-${suffix}-password`;
    const answer = await this.call('POST', '/api/auth/signup', { org_name: 'Demo Fleet', email, password });
    if (answer.status !== 201) throw new Error(`demo sign-up answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    const body = answer.body as { client_id: string; client_token: string };
    const credentials = { email, password, clientId: body.client_id, clientToken: body.client_token };
    if (file) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
    }
    return credentials;
  }

  private async call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: unknown }> {
    const response = await (this.options.fetchImpl ?? fetch)(this.options.apiUrl + path, {
      method,
      headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  private log(action: string, result: string, message: string): void {
    this.options.logger.event({ level: result === 'FAILURE' ? 'warn' : 'info', component: COMPONENT, action, result, message });
  }
}
