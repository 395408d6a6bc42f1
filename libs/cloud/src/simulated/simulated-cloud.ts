import { Clock, DomainError, StructuredLogger } from '@spot/core';
import {
  CloudProvider,
  CreateImageRequest,
  ImageDescription,
  ImageQuery,
  InstanceDescription,
  InstanceState,
  LaunchRequest,
  Mutation,
  SpotPricePoint,
  SpotPriceQuery,
} from '../cloud-provider';
import { PlannedInterruption, SimulatedMarket } from './simulated-market';

export interface SimulatedCloudOptions {
  clock: Clock;
  market: SimulatedMarket;
  region: string;
  /** Makes instance, image and snapshot ids reproducible. */
  seed?: number;
  accountId?: string;
  /** pending → running. */
  bootMs?: number;
  /** CreateImage pending → available. */
  imageMs?: number;
  /** shutting-down → terminated. */
  shutdownMs?: number;
  safeMode?: boolean;
  logger?: StructuredLogger;
}

interface SimInstance {
  description: Omit<InstanceDescription, 'state'>;
  readyAt: number;
  shuttingDownAt?: number;
  terminatedAt?: number;
  interruption?: PlannedInterruption;
  userData?: string;
  privateIp: string;
  /** Block devices it booted with: its image's (the root, and copies of what the image holds). */
  blockDevices: string[];
}

interface SimImage {
  description: Omit<ImageDescription, 'state'>;
  /** Device names of its block device mappings (what an instance launched from it boots with). */
  blockDevices: string[];
  availableAt: number;
  deregistered: boolean;
}

/** What IMDS would answer on one instance (the real formats, served by `ImdsServer`). */
export interface InstanceMetadataView {
  identityDocument: Record<string, unknown>;
  lifeCycle: 'spot' | 'on-demand';
  hostname: string;
  userData: string | undefined;
  /** `spot/instance-action`, or undefined (404) when nothing is pending. */
  instanceAction: { action: string; time: string } | undefined;
  /** `events/recommendations/rebalance`, or undefined (404). */
  rebalance: { noticeTime: string } | undefined;
}

/** What the continuity side (`SimulatedContinuity`) sees of the simulated EC2, and how it links its volumes in. */
export interface SimulatedInstanceView {
  stateOf(instanceId: string): InstanceState | undefined;
  azOf(instanceId: string): string | undefined;
  privateIpOf(instanceId: string): string | undefined;
  /** Devices the instance booted with from its image (a device there is in use for AttachVolume). */
  blockDevicesOf?(instanceId: string): string[];
  /** Lets CreateImage see the EBS volumes attached to an instance (they go into the image). */
  linkVolumes?(devicesAttachedTo: (instanceId: string) => string[]): void;
}

export type LaunchListener = (instance: InstanceDescription, userData: string | undefined) => void;

const NOTICE_MS = 120_000;
const ROOT_DEVICE = '/dev/xvda';
/** IMDS times have no milliseconds: 2026-11-24T12:00:00Z. */
const imdsTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * An in-memory EC2 with the CloudProvider contract: instances move pending → running →
 * shutting-down → terminated on the clock, images become available after a while, spot
 * launches pay the market price and meet the market's interruptions (rebalance, 2-minute
 * notice, termination), and each instance has an IMDS view. Deterministic under a seed and a
 * manual clock.
 */
export class SimulatedCloud extends CloudProvider {
  private readonly instances = new Map<string, SimInstance>();
  private readonly images = new Map<string, SimImage>();
  private readonly clientTokens = new Map<string, string>();
  private readonly listeners: LaunchListener[] = [];
  /** Devices of the volumes attached now (the continuity side's EBS volumes), by instance. */
  private attachedVolumeDevices: (instanceId: string) => string[] = () => [];
  private counter = 0;
  private safe: boolean;
  private readonly seedHex: string;

  constructor(private readonly options: SimulatedCloudOptions) {
    super();
    this.safe = options.safeMode ?? false;
    this.seedHex = ((options.seed ?? 1) >>> 0).toString(16).padStart(8, '0');
  }

  get region(): string {
    return this.options.region;
  }

  get safeMode(): boolean {
    return this.safe;
  }

  setSafeMode(on: boolean): void {
    this.safe = on;
  }

  /** Called for every instance launched (the demo boots an agent on it, as user data would). */
  onLaunch(listener: LaunchListener): void {
    this.listeners.push(listener);
  }

  /** A base image to launch from (no instance behind it). */
  registerImage(name: string, tags: Record<string, string> = {}): string {
    const imageId = this.newId('ami', 17);
    const now = this.now();
    this.images.set(imageId, { description: { imageId, name, creationDate: new Date(now), snapshotIds: [this.newId('snap', 17)], tags }, blockDevices: [ROOT_DEVICE], availableAt: now, deregistered: false });
    return imageId;
  }

  /** Makes the market take an instance back (tests, the demo's guaranteed interruption). */
  scheduleInterruption(instanceId: string, interruption: PlannedInterruption): void {
    this.getInstance(instanceId).interruption = interruption;
  }

  async spotPriceHistory(query: SpotPriceQuery): Promise<SpotPricePoint[]> {
    const to = query.endTime ?? new Date(this.now());
    const points = this.pools(query.instanceTypes, query.azs).flatMap(([type, az]) => this.options.market.priceChanges(type, az, query.startTime, to));
    return points.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
  }

  async currentSpotPrices(query: { instanceTypes: string[]; azs?: string[] }): Promise<SpotPricePoint[]> {
    const now = new Date(this.now());
    return this.pools(query.instanceTypes, query.azs).flatMap(([type, az]) => {
      const changes = this.options.market.priceChanges(type, az, now, now);
      return changes.length ? [changes[changes.length - 1]] : [];
    });
  }

  async launchInstance(request: LaunchRequest): Promise<Mutation<InstanceDescription>> {
    const action = `RunInstances ${request.mode} ${request.instanceType} in ${request.az} from ${request.imageId}`;
    const image = this.images.get(request.imageId);
    if (!image || image.deregistered || image.availableAt > this.now()) {
      throw new DomainError('not_found', 'IMAGE_NOT_FOUND', `${action}: image ${request.imageId} is not available`, { aws_code: 'InvalidAMIID.NotFound' });
    }
    if (!request.az.startsWith(this.options.region)) throw new DomainError('invalid', 'AWS_ERROR', `${action}: ${request.az} is not a zone of ${this.options.region}`);
    if (request.mode === 'spot') {
      const price = this.options.market.spotPrice(request.instanceType, request.az, new Date(this.now()));
      if (price === undefined) {
        throw new DomainError('unavailable', 'INSUFFICIENT_CAPACITY', `${action}: no spot capacity for ${request.instanceType} in ${request.az}`, { aws_code: 'InsufficientInstanceCapacity' });
      }
      if (request.maxSpotPrice !== undefined && price > request.maxSpotPrice) {
        throw new DomainError('conflict', 'SPOT_MAX_PRICE_TOO_LOW', `${action}: spot price ${price} is above ${request.maxSpotPrice}`, { aws_code: 'SpotMaxPriceTooLow' });
      }
    }
    if (this.safe) return this.wouldExecute(action);
    const existing = this.clientTokens.get(request.clientToken);
    if (existing) return { dryRun: false, value: this.describe(existing) };

    const now = this.now();
    const instanceId = this.newId('i', 17);
    const n = this.counter;
    const instance: SimInstance = {
      description: { instanceId, instanceType: request.instanceType, az: request.az, mode: request.mode, imageId: request.imageId, launchTime: new Date(now), tags: { ...request.tags } },
      readyAt: now + (this.options.bootMs ?? 30_000),
      userData: request.userData,
      privateIp: `10.0.${(n >> 8) & 255}.${n & 255}`,
      blockDevices: [...image.blockDevices],
    };
    if (request.mode === 'spot') {
      instance.interruption = this.options.market.interruptionFor?.({ instanceId, instanceType: request.instanceType, az: request.az, launchedAt: new Date(now) });
    }
    this.instances.set(instanceId, instance);
    this.clientTokens.set(request.clientToken, instanceId);
    const described = this.describe(instanceId);
    for (const listener of this.listeners) listener(described, request.userData);
    return { dryRun: false, value: described };
  }

  async createImage(request: CreateImageRequest): Promise<Mutation<{ imageId: string }>> {
    const source = this.getInstance(request.instanceId);
    const state = this.stateOf(source);
    if (state !== 'running' && state !== 'stopped') {
      throw new DomainError('conflict', 'AWS_ERROR', `CreateImage: instance ${request.instanceId} is ${state}`, { aws_code: 'IncorrectInstanceState' });
    }
    const action = `CreateImage of ${request.instanceId} as ${request.name}`;
    if (this.safe) return this.wouldExecute(action);
    const imageId = this.newId('ami', 17);
    const now = this.now();
    // As EC2 does: the image holds every attached EBS volume, less the devices mapped to NoDevice.
    const excluded = new Set(request.excludeDevices ?? []);
    const blockDevices = [...new Set([...source.blockDevices, ...this.attachedVolumeDevices(request.instanceId)])].filter((d) => !excluded.has(d));
    this.images.set(imageId, {
      description: { imageId, name: request.name, creationDate: new Date(now), snapshotIds: blockDevices.map(() => this.newId('snap', 17)), tags: { ...request.tags } },
      blockDevices,
      availableAt: now + (this.options.imageMs ?? 60_000),
      deregistered: false,
    });
    return { dryRun: false, value: { imageId } };
  }

  async terminateInstances(instanceIds: string[]): Promise<Mutation<Array<{ instanceId: string; state: InstanceState }>>> {
    const targets = instanceIds.map((id) => this.getInstance(id));
    if (this.safe) return this.wouldExecute(`TerminateInstances ${instanceIds.join(', ')}`);
    const now = this.now();
    return {
      dryRun: false,
      value: targets.map((instance) => {
        if (instance.shuttingDownAt === undefined && this.stateOf(instance) !== 'terminated') {
          instance.shuttingDownAt = now;
          instance.terminatedAt = now + (this.options.shutdownMs ?? 5_000);
        }
        return { instanceId: instance.description.instanceId, state: this.stateOf(instance) };
      }),
    };
  }

  async describeInstances(instanceIds: string[]): Promise<InstanceDescription[]> {
    return instanceIds.map((id) => this.describe(id));
  }

  async describeImages(query: ImageQuery): Promise<ImageDescription[]> {
    const now = this.now();
    return [...this.images.values()]
      .filter((i) => !i.deregistered)
      .filter((i) => !query.imageIds || query.imageIds.includes(i.description.imageId))
      .filter((i) => Object.entries(query.tags ?? {}).every(([k, v]) => i.description.tags[k] === v))
      .map((i) => ({ ...i.description, state: i.availableAt <= now ? 'available' : 'pending' }));
  }

  async deregisterImage(imageId: string): Promise<Mutation<void>> {
    const image = this.images.get(imageId);
    if (!image || image.deregistered) throw new DomainError('not_found', 'IMAGE_NOT_FOUND', `DeregisterImage: ${imageId} not found`, { aws_code: 'InvalidAMIID.NotFound' });
    if (this.safe) return this.wouldExecute(`DeregisterImage ${imageId}`);
    image.deregistered = true;
    return { dryRun: false, value: undefined };
  }

  async deleteSnapshot(snapshotId: string): Promise<Mutation<void>> {
    const owner = [...this.images.values()].find((i) => i.description.snapshotIds.includes(snapshotId));
    if (!owner) throw new DomainError('not_found', 'SNAPSHOT_NOT_FOUND', `DeleteSnapshot: ${snapshotId} not found`, { aws_code: 'InvalidSnapshot.NotFound' });
    if (!owner.deregistered) throw new DomainError('conflict', 'AWS_ERROR', `DeleteSnapshot: ${snapshotId} is in use by ${owner.description.imageId}`, { aws_code: 'InvalidSnapshot.InUse' });
    if (this.safe) return this.wouldExecute(`DeleteSnapshot ${snapshotId}`);
    owner.description.snapshotIds = owner.description.snapshotIds.filter((s) => s !== snapshotId);
    return { dryRun: false, value: undefined };
  }

  /** What the continuity side (`SimulatedContinuity`) needs to know about the instances. */
  instanceView(): SimulatedInstanceView {
    return {
      blockDevicesOf: (id) => [...(this.instances.get(id)?.blockDevices ?? [])],
      linkVolumes: (devicesAttachedTo) => {
        this.attachedVolumeDevices = devicesAttachedTo;
      },
      stateOf: (id) => {
        const instance = this.instances.get(id);
        return instance ? this.stateOf(instance) : undefined;
      },
      azOf: (id) => this.instances.get(id)?.description.az,
      privateIpOf: (id) => this.instances.get(id)?.privateIp,
    };
  }

  /** All instances ever launched, with their state now (the demo's and tests' view). */
  listInstances(): InstanceDescription[] {
    return [...this.instances.keys()].map((id) => this.describe(id));
  }

  /** IMDS of one instance; undefined once it is gone (its IMDS cannot answer any more). */
  metadata(instanceId: string): InstanceMetadataView | undefined {
    const instance = this.instances.get(instanceId);
    if (!instance || this.stateOf(instance) === 'terminated') return undefined;
    const now = this.now();
    const d = instance.description;
    const interruption = instance.interruption;
    const actionAt = interruption?.actionAt.getTime();
    return {
      identityDocument: {
        accountId: this.options.accountId ?? '123456789012',
        architecture: 'x86_64',
        availabilityZone: d.az,
        billingProducts: null,
        devpayProductCodes: null,
        marketplaceProductCodes: null,
        imageId: d.imageId,
        instanceId: d.instanceId,
        instanceType: d.instanceType,
        kernelId: null,
        pendingTime: imdsTime(d.launchTime.getTime()),
        privateIp: instance.privateIp,
        ramdiskId: null,
        region: this.options.region,
        version: '2017-09-30',
      },
      lifeCycle: d.mode,
      hostname: `ip-${instance.privateIp.replace(/\./g, '-')}.${this.options.region}.compute.internal`,
      userData: instance.userData,
      instanceAction: actionAt !== undefined && now >= actionAt - NOTICE_MS ? { action: interruption?.action ?? 'terminate', time: imdsTime(actionAt) } : undefined,
      rebalance: interruption?.rebalanceAt && now >= interruption.rebalanceAt.getTime() ? { noticeTime: imdsTime(interruption.rebalanceAt.getTime()) } : undefined,
    };
  }

  private describe(instanceId: string): InstanceDescription {
    const instance = this.getInstance(instanceId);
    return { ...instance.description, tags: { ...instance.description.tags }, state: this.stateOf(instance) };
  }

  private stateOf(instance: SimInstance): InstanceState {
    const now = this.now();
    const interruptedAt = instance.interruption?.actionAt.getTime();
    if (interruptedAt !== undefined && now >= interruptedAt) return now >= interruptedAt + (this.options.shutdownMs ?? 5_000) ? 'terminated' : 'shutting-down';
    if (instance.terminatedAt !== undefined && now >= instance.terminatedAt) return 'terminated';
    if (instance.shuttingDownAt !== undefined && now >= instance.shuttingDownAt) return 'shutting-down';
    return now >= instance.readyAt ? 'running' : 'pending';
  }

  private getInstance(instanceId: string): SimInstance {
    const instance = this.instances.get(instanceId);
    if (!instance) throw new DomainError('not_found', 'INSTANCE_NOT_FOUND', `The instance ID '${instanceId}' does not exist`, { aws_code: 'InvalidInstanceID.NotFound' });
    return instance;
  }

  private pools(instanceTypes: string[], azs?: string[]): Array<[string, string]> {
    return instanceTypes.flatMap((type) => this.options.market.zonesOf(type).filter((az) => !azs || azs.includes(az)).map((az): [string, string] => [type, az]));
  }

  private wouldExecute(action: string): Mutation<never> {
    this.options.logger?.event({ level: 'info', component: 'CORE-EXEC', action: 'DRY-RUN', result: 'SKIPPED', message: `[SAFE_MODE] Would execute: ${action}` });
    return { dryRun: true, wouldExecute: action };
  }

  private newId(prefix: string, digits: number): string {
    this.counter += 1;
    return `${prefix}-${this.seedHex}${this.counter.toString(16).padStart(digits - this.seedHex.length, '0')}`;
  }

  private now(): number {
    return this.options.clock.nowMs();
  }
}
