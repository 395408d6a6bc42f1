import { ContinuityLatencies, FixedMarket, SimulatedCloud, SimulatedContinuity, TargetGroupSpec } from '@spot/cloud';
import { ManualClock } from '@spot/core';
import { CutoverUseCase } from './cutover';
import { HookRunner, ScriptedHookRunner } from './hooks';
import { ResolvedContinuity } from './resolve';
import { VirtualSleeper } from './waiting';

export interface SimulatedSwitchOptions {
  targetGroup?: Omit<TargetGroupSpec, 'arn'>;
  elasticIp?: boolean;
  dns?: boolean;
  /** Data volumes of the workload (GiB each). */
  volumesGiB?: number[];
  networkInterface?: boolean;
  latencies?: Partial<ContinuityLatencies>;
  bootMs?: number;
  shutdownMs?: number;
  pollMs?: number;
  /** Resolution of the traffic sampler (the "simulated gap"). */
  sampleMs?: number;
  hooks?: HookRunner;
  seed?: number;
}

const REGION = 'eu-west-1';
export const SIM_TARGET_GROUP_ARN = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef';
export const SIM_ZONE_ID = 'Z0SIMULATED';

/**
 * A workload on the simulated cloud in virtual time, for tests and `npm run bench -- switch-downtime`:
 * an old instance serving behind the configured ways in, a clock moved by the cut-over's own
 * pauses, and a sampler that records when clients could not reach an instance holding the data
 * (the simulated gap, to compare with the cut-over's own `downtimeMs`).
 */
export class SimulatedSwitch {
  readonly clock = new ManualClock('2026-11-24T12:00:00.000Z');
  readonly market = new FixedMarket([
    { instanceType: 'm5.large', az: 'eu-west-1a', price: 0.04, timestamp: new Date('2026-11-24T00:00:00Z') },
    { instanceType: 'm5.large', az: 'eu-west-1b', price: 0.038, timestamp: new Date('2026-11-24T00:00:00Z') },
  ]);
  readonly cloud: SimulatedCloud;
  readonly continuity: SimulatedContinuity;
  readonly sleeper: VirtualSleeper;
  readonly image: string;
  oldInstanceId = '';
  resources: ResolvedContinuity = { targetGroupArns: [], volumes: [], crossAzSnapshot: true };
  /** Instances that hold the data without a volume move (a synced replica). */
  readonly hasCopies = new Set<string>();
  private unservedSince?: number;
  private sampling = false;
  /** Sampled unserved intervals [from, to). */
  readonly gaps: Array<{ from: number; to: number }> = [];

  constructor(private readonly options: SimulatedSwitchOptions = {}) {
    this.cloud = new SimulatedCloud({ clock: this.clock, market: this.market, region: REGION, seed: options.seed ?? 14, bootMs: options.bootMs ?? 30_000, shutdownMs: options.shutdownMs ?? 5_000 });
    this.continuity = new SimulatedContinuity({ clock: this.clock, instances: this.cloud.instanceView(), latencies: options.latencies, seed: options.seed ?? 14 });
    this.sleeper = new VirtualSleeper(this.clock, (now) => this.sample(now), options.sampleMs ?? 100);
    this.image = this.cloud.registerImage('web');
  }

  /** Launches the old instance, waits until it runs and puts it behind every configured way in. */
  async start(az = 'eu-west-1a'): Promise<string> {
    this.oldInstanceId = await this.launch(az, 'on-demand');
    const o = this.options;
    if (o.targetGroup) {
      this.continuity.createTargetGroup({ arn: SIM_TARGET_GROUP_ARN, ...o.targetGroup });
      this.continuity.seedTarget(SIM_TARGET_GROUP_ARN, this.oldInstanceId);
      this.resources.targetGroupArns = [SIM_TARGET_GROUP_ARN];
    }
    if (o.elasticIp) this.resources.allocationId = this.continuity.allocateAddress(this.oldInstanceId).allocationId;
    if (o.dns) {
      this.continuity.createHostedZone(SIM_ZONE_ID);
      this.resources.dns = { hostedZoneId: SIM_ZONE_ID, name: 'app.example.com', ttl: 60 };
    }
    (o.volumesGiB ?? []).forEach((sizeGiB, i) => {
      const device = `/dev/sd${String.fromCharCode(102 + i)}`;
      const volumeId = this.continuity.createDataVolume({ az, sizeGiB, instanceId: this.oldInstanceId, device, tags: { app: 'web' } });
      this.resources.volumes.push({ volumeId, az, device, volumeType: 'gp3' });
    });
    if (o.networkInterface) this.resources.networkInterface = { networkInterfaceId: this.continuity.createNetworkInterface({ az, instanceId: this.oldInstanceId, deviceIndex: 1 }), deviceIndex: 1 };
    this.sampling = true;
    return this.oldInstanceId;
  }

  async launch(az: string, mode: 'spot' | 'on-demand' = 'spot'): Promise<string> {
    const launched = await this.cloud.launchInstance({ instanceType: 'm5.large', az, mode, imageId: this.image, clientToken: `launch-${this.clock.nowMs()}-${az}-${mode}` });
    if (launched.dryRun) throw new Error('safe mode');
    await this.sleeper.sleep(this.options.bootMs ?? 30_000);
    return launched.value.instanceId;
  }

  cutover(hooks?: HookRunner): CutoverUseCase {
    return new CutoverUseCase({
      cloud: this.continuity,
      instances: this.cloud,
      clock: this.clock,
      sleeper: this.sleeper,
      hooks: hooks ?? this.options.hooks ?? new ScriptedHookRunner((ms) => this.sleeper.sleep(ms)),
      pollMs: this.options.pollMs ?? 1000,
    });
  }

  /** Clients reach an instance that holds the data through every configured way in. */
  served(): boolean {
    const view = this.continuity.trafficView();
    const state = this.cloud.instanceView();
    const holdsData = (id: string | undefined): boolean => {
      if (!id || state.stateOf(id) !== 'running') return false;
      if (this.hasCopies.has(id)) return true;
      return this.resources.volumes.every((v) => this.attachedTo(v.volumeId) === id);
    };
    if (this.resources.targetGroupArns.length && !this.resources.targetGroupArns.every((arn) => (view.targetGroups[arn] ?? []).some(holdsData))) return false;
    if (this.resources.allocationId && !holdsData(view.addresses[this.resources.allocationId])) return false;
    if (!this.resources.targetGroupArns.length && !this.resources.allocationId) {
      // Only volumes (and maybe an ENI) configured: served while some running instance holds them.
      return this.cloud.listInstances().some((i) => holdsData(i.instanceId));
    }
    return true;
  }

  /** Total sampled time unserved, ms. */
  simulatedGapMs(): number {
    const open = this.unservedSince !== undefined ? this.clock.nowMs() - this.unservedSince : 0;
    return this.gaps.reduce((sum, g) => sum + (g.to - g.from), 0) + open;
  }

  private attachments: Array<{ volumeId: string; instanceId: string; sourceVolumeId?: string }> = [];

  /** The instances holding a volume or a copy made from it by the cut-over's snapshot path. */
  private attachedTo(volumeId: string): string | undefined {
    return this.attachments.find((a) => a.volumeId === volumeId || a.sourceVolumeId === volumeId)?.instanceId;
  }

  private sample(now: number): void {
    void now;
    if (!this.sampling) return;
    this.attachments = this.continuity.volumeAttachments();
    const ok = this.served();
    if (!ok && this.unservedSince === undefined) this.unservedSince = this.clock.nowMs();
    if (ok && this.unservedSince !== undefined) {
      this.gaps.push({ from: this.unservedSince, to: this.clock.nowMs() });
      this.unservedSince = undefined;
    }
  }
}
