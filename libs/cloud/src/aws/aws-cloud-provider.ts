import {
  CreateImageCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSpotPriceHistoryCommand,
  EC2Client,
  Image,
  Instance,
  RunInstancesCommand,
  RunInstancesCommandInput,
  TerminateInstancesCommand,
  _InstanceType,
} from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DomainError, StructuredLogger } from '@spot/core';
import {
  AssumeRoleRequest,
  CloudProvider,
  CreateImageRequest,
  ImageDescription,
  ImageQuery,
  InstanceDescription,
  InstanceState,
  LaunchRequest,
  Mutation,
  RoleAssumer,
  SpotPricePoint,
  SpotPriceQuery,
  TemporaryCredentials,
} from '../cloud-provider';
import { AwsCallRunner } from './aws-call-runner';
import { tagList, tagsOf } from './ec2-tags';
import { DEFAULT_RETRY_POLICY, RetryPolicy, toDomainError, withRetries } from './aws-errors';

export interface AwsCloudOptions {
  /** Built by the caller; `createEc2Client` honours the SDK credential chain and AWS_ENDPOINT_URL[_EC2]. */
  ec2: EC2Client;
  safeMode?: boolean;
  retry?: Partial<RetryPolicy>;
  logger?: StructuredLogger;
}

/**
 * EC2 clients with the SDK's own resolution of region, credentials (default chain) and endpoint
 * (`AWS_ENDPOINT_URL_EC2`, else `AWS_ENDPOINT_URL`): no endpoint is set here on purpose, so any
 * EC2-compatible endpoint works through the standard variables. The SDK's retries are off: ours
 * (backoff with jitter, logged) are the only ones.
 */
export function createEc2Client(region: string, credentials?: TemporaryCredentials): EC2Client {
  return new EC2Client({ region, maxAttempts: 1, ...(credentials ? { credentials } : {}) });
}

export function createStsClient(region: string): STSClient {
  return new STSClient({ region, maxAttempts: 1 });
}

const PRODUCT = 'Linux/UNIX';


function toInstance(i: Instance): InstanceDescription {
  return {
    instanceId: i.InstanceId ?? '',
    instanceType: i.InstanceType ?? '',
    az: i.Placement?.AvailabilityZone ?? '',
    mode: i.InstanceLifecycle === 'spot' ? 'spot' : 'on-demand',
    state: (i.State?.Name ?? 'pending') as InstanceState,
    imageId: i.ImageId ?? '',
    launchTime: i.LaunchTime ? new Date(i.LaunchTime) : new Date(0),
    tags: tagsOf(i.Tags),
  };
}

function toImage(image: Image): ImageDescription {
  return {
    imageId: image.ImageId ?? '',
    name: image.Name ?? '',
    state: (image.State ?? 'pending') as ImageDescription['state'],
    creationDate: new Date(image.CreationDate ?? 0),
    snapshotIds: (image.BlockDeviceMappings ?? []).map((m) => m.Ebs?.SnapshotId).filter((id): id is string => !!id),
    tags: tagsOf(image.Tags),
  };
}

/** The CloudProvider port on EC2 (SDK v3). */
export class AwsCloudProvider extends CloudProvider {
  private safe: boolean;
  private readonly calls: AwsCallRunner;

  constructor(private readonly options: AwsCloudOptions) {
    super();
    this.safe = options.safeMode ?? false;
    this.calls = new AwsCallRunner({ ...DEFAULT_RETRY_POLICY, ...options.retry }, () => this.safe, options.logger);
  }

  get safeMode(): boolean {
    return this.safe;
  }

  setSafeMode(on: boolean): void {
    this.safe = on;
  }

  async spotPriceHistory(query: SpotPriceQuery): Promise<SpotPricePoint[]> {
    const points: SpotPricePoint[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.read('DescribeSpotPriceHistory', () =>
        this.options.ec2.send(
          new DescribeSpotPriceHistoryCommand({
            InstanceTypes: query.instanceTypes as _InstanceType[],
            ProductDescriptions: [PRODUCT],
            StartTime: query.startTime,
            EndTime: query.endTime,
            ...(query.azs?.length === 1 ? { AvailabilityZone: query.azs[0] } : {}),
            MaxResults: 1000,
            NextToken: nextToken,
          }),
        ),
      );
      for (const p of page.SpotPriceHistory ?? []) {
        if (!p.InstanceType || !p.AvailabilityZone || !p.SpotPrice || !p.Timestamp) continue;
        if (query.azs && !query.azs.includes(p.AvailabilityZone)) continue;
        points.push({ instanceType: p.InstanceType, az: p.AvailabilityZone, price: Number(p.SpotPrice), timestamp: new Date(p.Timestamp) });
      }
      nextToken = page.NextToken || undefined;
    } while (nextToken);
    return points.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
  }

  /** StartTime = now makes EC2 answer the price in force for each pool (its latest change). */
  async currentSpotPrices(query: { instanceTypes: string[]; azs?: string[] }): Promise<SpotPricePoint[]> {
    const history = await this.spotPriceHistory({ ...query, startTime: new Date() });
    const latest = new Map<string, SpotPricePoint>();
    for (const p of history) latest.set(`${p.instanceType}.${p.az}`, p);
    return [...latest.values()];
  }

  async launchInstance(request: LaunchRequest): Promise<Mutation<InstanceDescription>> {
    const tags = tagList(request.tags ?? {});
    const input: RunInstancesCommandInput = {
      ImageId: request.imageId,
      InstanceType: request.instanceType as _InstanceType,
      MinCount: 1,
      MaxCount: 1,
      ClientToken: request.clientToken,
      Placement: { AvailabilityZone: request.az },
      ...(request.mode === 'spot'
        ? {
            InstanceMarketOptions: {
              MarketType: 'spot',
              SpotOptions: {
                SpotInstanceType: 'one-time',
                InstanceInterruptionBehavior: 'terminate',
                ...(request.maxSpotPrice !== undefined ? { MaxPrice: request.maxSpotPrice.toFixed(6) } : {}),
              },
            },
          }
        : {}),
      ...(tags.length ? { TagSpecifications: [{ ResourceType: 'instance', Tags: tags }, { ResourceType: 'volume', Tags: tags }] } : {}),
      ...(request.userData !== undefined ? { UserData: Buffer.from(request.userData, 'utf8').toString('base64') } : {}),
    };
    const describe = `RunInstances ${request.mode} ${request.instanceType} in ${request.az} from ${request.imageId}`;
    return this.mutate(describe, (dryRun) => this.options.ec2.send(new RunInstancesCommand({ ...input, DryRun: dryRun })), (out) => {
      const instance = out.Instances?.[0];
      if (!instance) throw new DomainError('unavailable', 'AWS_ERROR', 'RunInstances answered no instance');
      return toInstance(instance);
    });
  }

  async createImage(request: CreateImageRequest): Promise<Mutation<{ imageId: string }>> {
    const tags = tagList(request.tags ?? {});
    return this.mutate(
      `CreateImage of ${request.instanceId} as ${request.name}`,
      (dryRun) =>
        this.options.ec2.send(
          new CreateImageCommand({
            InstanceId: request.instanceId,
            Name: request.name,
            Description: request.description,
            NoReboot: request.noReboot ?? true,
            ...(request.excludeDevices?.length ? { BlockDeviceMappings: request.excludeDevices.map((device) => ({ DeviceName: device, NoDevice: '' })) } : {}),
            ...(tags.length ? { TagSpecifications: [{ ResourceType: 'image', Tags: tags }, { ResourceType: 'snapshot', Tags: tags }] } : {}),
            DryRun: dryRun,
          }),
        ),
      (out) => ({ imageId: out.ImageId ?? '' }),
    );
  }

  async terminateInstances(instanceIds: string[]): Promise<Mutation<Array<{ instanceId: string; state: InstanceState }>>> {
    return this.mutate(
      `TerminateInstances ${instanceIds.join(', ')}`,
      (dryRun) => this.options.ec2.send(new TerminateInstancesCommand({ InstanceIds: instanceIds, DryRun: dryRun })),
      (out) => (out.TerminatingInstances ?? []).map((t) => ({ instanceId: t.InstanceId ?? '', state: (t.CurrentState?.Name ?? 'shutting-down') as InstanceState })),
    );
  }

  async describeInstances(instanceIds: string[]): Promise<InstanceDescription[]> {
    const out = await this.read('DescribeInstances', () => this.options.ec2.send(new DescribeInstancesCommand({ InstanceIds: instanceIds })));
    return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map(toInstance);
  }

  async describeImages(query: ImageQuery): Promise<ImageDescription[]> {
    const filters = Object.entries(query.tags ?? {}).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] }));
    const out = await this.read('DescribeImages', () =>
      this.options.ec2.send(
        new DescribeImagesCommand({ Owners: ['self'], ...(query.imageIds ? { ImageIds: query.imageIds } : {}), ...(filters.length ? { Filters: filters } : {}) }),
      ),
    );
    return (out.Images ?? []).map(toImage);
  }

  async deregisterImage(imageId: string): Promise<Mutation<void>> {
    return this.mutate(`DeregisterImage ${imageId}`, (dryRun) => this.options.ec2.send(new DeregisterImageCommand({ ImageId: imageId, DryRun: dryRun })), () => undefined);
  }

  async deleteSnapshot(snapshotId: string): Promise<Mutation<void>> {
    return this.mutate(`DeleteSnapshot ${snapshotId}`, (dryRun) => this.options.ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId, DryRun: dryRun })), () => undefined);
  }

  private read<T>(action: string, call: () => Promise<T>): Promise<T> {
    return this.calls.read(action, call);
  }

  /**
   * A mutating call. In safe mode it goes out with DryRun: AWS answers DryRunOperation when the
   * call would have succeeded (logged as "would execute"), or the real error (e.g.
   * UnauthorizedOperation) when it would not.
   */
  private mutate<O, T>(action: string, call: (dryRun: boolean) => Promise<O>, map: (out: O) => T): Promise<Mutation<T>> {
    return this.calls.mutate(action, call, map);
  }
}

/** STS AssumeRole with ExternalId, for running against a customer's account. */
export class AwsRoleAssumer extends RoleAssumer {
  private readonly retry: RetryPolicy;

  constructor(
    private readonly sts: STSClient,
    retry: Partial<RetryPolicy> = {},
  ) {
    super();
    this.retry = { ...DEFAULT_RETRY_POLICY, ...retry };
  }

  async assumeRole(request: AssumeRoleRequest): Promise<TemporaryCredentials> {
    try {
      const out = await withRetries(
        () =>
          this.sts.send(
            new AssumeRoleCommand({
              RoleArn: request.roleArn,
              ExternalId: request.externalId,
              RoleSessionName: request.sessionName,
              DurationSeconds: request.durationSeconds ?? 3600,
            }),
          ),
        this.retry,
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new DomainError('unavailable', 'AWS_ERROR', 'AssumeRole answered no credentials');
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: new Date(c.Expiration ?? 0) };
    } catch (error) {
      throw toDomainError(error, `AssumeRole ${request.roleArn}`);
    }
  }
}
