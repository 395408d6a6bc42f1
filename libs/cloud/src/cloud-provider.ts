/**
 * The cloud as a port (seed 003 CORE-EXEC and its SCRIPT-* actions): the agent, the demo fleet and
 * tests drive the same contract against real EC2 (`AwsCloudProvider`) or the in-memory one
 * (`SimulatedCloud`).
 *
 * Safe mode (seed 003 SAFE_MODE): every mutating call goes out as a dry run and answers
 * `{dryRun: true, wouldExecute}` instead of changing anything.
 */
export type CapacityMode = 'spot' | 'on-demand';
export type InstanceState = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';
export type ImageState = 'pending' | 'available' | 'failed' | 'deregistered';

export interface SpotPricePoint {
  instanceType: string;
  az: string;
  /** $/h */
  price: number;
  /** When this price took effect (DescribeSpotPriceHistory returns changes, a step function). */
  timestamp: Date;
}

export interface SpotPriceQuery {
  instanceTypes: string[];
  /** Limits to these zones; all zones of the region otherwise. */
  azs?: string[];
  startTime: Date;
  endTime?: Date;
}

export interface LaunchRequest {
  instanceType: string;
  az: string;
  mode: CapacityMode;
  imageId: string;
  /** Idempotency: the same token launches at most one instance (RunInstances ClientToken). */
  clientToken: string;
  tags?: Record<string, string>;
  /** Plain text; encoded as the API needs. */
  userData?: string;
  /** Spot only: the most to pay per hour (defaults to the on-demand price, as AWS does). */
  maxSpotPrice?: number;
}

export interface InstanceDescription {
  instanceId: string;
  instanceType: string;
  az: string;
  mode: CapacityMode;
  state: InstanceState;
  imageId: string;
  launchTime: Date;
  tags: Record<string, string>;
}

export interface CreateImageRequest {
  instanceId: string;
  name: string;
  description?: string;
  tags?: Record<string, string>;
  /** Snapshot without stopping the instance (the default: the workload keeps running). */
  noReboot?: boolean;
  /**
   * Devices of the instance left out of the image (`BlockDeviceMappings` `NoDevice`): the data
   * volumes continuity moves. Otherwise the new instance boots with a copy of each at the same
   * device, the moved volume cannot attach there, and the copy is paid for (docs/continuity.md).
   */
  excludeDevices?: string[];
}

export interface ImageDescription {
  imageId: string;
  name: string;
  state: ImageState;
  creationDate: Date;
  snapshotIds: string[];
  tags: Record<string, string>;
}

export interface ImageQuery {
  imageIds?: string[];
  /** Images carrying all of these tags. */
  tags?: Record<string, string>;
}

export type Mutation<T> = { dryRun: false; value: T } | { dryRun: true; wouldExecute: string };

export interface AssumeRoleRequest {
  roleArn: string;
  externalId: string;
  sessionName: string;
  durationSeconds?: number;
}

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export abstract class CloudProvider {
  /** Safe mode: mutating calls are dry runs. Switchable at run time (the agent's safe mode). */
  abstract get safeMode(): boolean;
  abstract setSafeMode(on: boolean): void;

  /** Price changes in the window, oldest first (a step function, not samples). */
  abstract spotPriceHistory(query: SpotPriceQuery): Promise<SpotPricePoint[]>;
  /** The price in force now for each pool asked about (the latest change per type and zone). */
  abstract currentSpotPrices(query: { instanceTypes: string[]; azs?: string[] }): Promise<SpotPricePoint[]>;

  abstract launchInstance(request: LaunchRequest): Promise<Mutation<InstanceDescription>>;
  abstract createImage(request: CreateImageRequest): Promise<Mutation<{ imageId: string }>>;
  abstract terminateInstances(instanceIds: string[]): Promise<Mutation<Array<{ instanceId: string; state: InstanceState }>>>;
  abstract describeInstances(instanceIds: string[]): Promise<InstanceDescription[]>;
  abstract describeImages(query: ImageQuery): Promise<ImageDescription[]>;
  abstract deregisterImage(imageId: string): Promise<Mutation<void>>;
  abstract deleteSnapshot(snapshotId: string): Promise<Mutation<void>>;
}

/** Cross-account access (seed 003 accounts): STS AssumeRole with the customer's ExternalId. */
export abstract class RoleAssumer {
  abstract assumeRole(request: AssumeRoleRequest): Promise<TemporaryCredentials>;
}
