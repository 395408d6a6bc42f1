import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  CreateImageCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSpotPriceHistoryCommand,
  EC2Client,
  EC2ServiceException,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { DomainError, StructuredLogger } from '@spot/core';
import { AwsCloudProvider, AwsRoleAssumer, backoffDelayMs, cleanUpImages, createEc2Client, createStsClient } from '@spot/cloud';

const awsError = (name: string, message = name) => new EC2ServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 400 } });

describe('AwsCloudProvider', () => {
  const ec2Mock = mockClient(EC2Client);
  const sleeps: number[] = [];
  const logLines: string[] = [];
  const provider = (safeMode = false) =>
    new AwsCloudProvider({
      ec2: new EC2Client({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } }),
      safeMode,
      retry: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 5 },
      logger: new StructuredLogger({ sink: (line) => logLines.push(line) }),
    });

  beforeEach(() => {
    ec2Mock.reset();
    sleeps.length = 0;
    logLines.length = 0;
  });

  afterAll(() => ec2Mock.restore());

  it('launches a spot instance with placement, market options, tags, user data and the idempotency token', async () => {
    ec2Mock.on(RunInstancesCommand).resolves({
      Instances: [
        {
          InstanceId: 'i-0123456789abcdef0',
          InstanceType: 'm5.large',
          Placement: { AvailabilityZone: 'eu-west-1b' },
          InstanceLifecycle: 'spot',
          State: { Name: 'pending', Code: 0 },
          ImageId: 'ami-0abc',
          LaunchTime: new Date('2026-11-24T12:00:00Z'),
          Tags: [{ Key: 'spot:agent', Value: 'web-1' }],
        },
      ],
    });
    const result = await provider().launchInstance({
      instanceType: 'm5.large',
      az: 'eu-west-1b',
      mode: 'spot',
      imageId: 'ami-0abc',
      clientToken: 'cmd-42',
      tags: { 'spot:agent': 'web-1' },
      userData: '#!/bin/sh\necho hi',
      maxSpotPrice: 0.107,
    });
    expect(result).toEqual({
      dryRun: false,
      value: { instanceId: 'i-0123456789abcdef0', instanceType: 'm5.large', az: 'eu-west-1b', mode: 'spot', state: 'pending', imageId: 'ami-0abc', launchTime: new Date('2026-11-24T12:00:00Z'), tags: { 'spot:agent': 'web-1' } },
    });
    const [call] = ec2Mock.commandCalls(RunInstancesCommand);
    expect(call.args[0].input).toEqual({
      ImageId: 'ami-0abc',
      InstanceType: 'm5.large',
      MinCount: 1,
      MaxCount: 1,
      ClientToken: 'cmd-42',
      Placement: { AvailabilityZone: 'eu-west-1b' },
      InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate', MaxPrice: '0.107000' } },
      TagSpecifications: [
        { ResourceType: 'instance', Tags: [{ Key: 'spot:agent', Value: 'web-1' }] },
        { ResourceType: 'volume', Tags: [{ Key: 'spot:agent', Value: 'web-1' }] },
      ],
      UserData: Buffer.from('#!/bin/sh\necho hi').toString('base64'),
      DryRun: false,
    });
  });

  it('launches on-demand without market options', async () => {
    ec2Mock.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: 'i-0123456789abcdef1', State: { Name: 'pending' } }] });
    await provider().launchInstance({ instanceType: 'c5.large', az: 'eu-west-1a', mode: 'on-demand', imageId: 'ami-1', clientToken: 't' });
    const input = ec2Mock.commandCalls(RunInstancesCommand)[0].args[0].input;
    expect(input.InstanceMarketOptions).toBeUndefined();
    expect(input.TagSpecifications).toBeUndefined();
  });

  it('in safe mode sends every mutating call with DryRun and reports "would execute" on DryRunOperation', async () => {
    ec2Mock.on(RunInstancesCommand).rejects(awsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.'));
    ec2Mock.on(CreateImageCommand).rejects(awsError('DryRunOperation'));
    ec2Mock.on(TerminateInstancesCommand).rejects(awsError('DryRunOperation'));
    ec2Mock.on(DeregisterImageCommand).rejects(awsError('DryRunOperation'));
    ec2Mock.on(DeleteSnapshotCommand).rejects(awsError('DryRunOperation'));
    const cloud = provider(true);
    expect(await cloud.launchInstance({ instanceType: 'm5.large', az: 'eu-west-1a', mode: 'spot', imageId: 'ami-1', clientToken: 't' })).toEqual({
      dryRun: true,
      wouldExecute: 'RunInstances spot m5.large in eu-west-1a from ami-1',
    });
    expect(await cloud.createImage({ instanceId: 'i-0123456789abcdef0', name: 'snap' })).toMatchObject({ dryRun: true });
    expect(await cloud.terminateInstances(['i-0123456789abcdef0'])).toMatchObject({ dryRun: true });
    expect(await cloud.deregisterImage('ami-1')).toMatchObject({ dryRun: true });
    expect(await cloud.deleteSnapshot('snap-1')).toMatchObject({ dryRun: true });
    for (const command of [RunInstancesCommand, CreateImageCommand, TerminateInstancesCommand, DeregisterImageCommand, DeleteSnapshotCommand]) {
      expect(ec2Mock.commandCalls(command as never)[0].args[0].input).toMatchObject({ DryRun: true });
    }
    expect(logLines.filter((l) => l.includes('[SAFE_MODE] Would execute:'))).toHaveLength(5);
    expect(logLines[0]).toContain('[CORE-EXEC] [DRY-RUN]');
  });

  it('in safe mode still surfaces a dry run AWS refuses (missing permission)', async () => {
    ec2Mock.on(TerminateInstancesCommand).rejects(awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.'));
    const error = await provider(true).terminateInstances(['i-0123456789abcdef0']).catch((e) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'forbidden', code: 'AWS_UNAUTHORIZED', details: { aws_code: 'UnauthorizedOperation' } });
  });

  it('switching safe mode at run time changes the next call', async () => {
    ec2Mock.on(TerminateInstancesCommand).resolves({ TerminatingInstances: [{ InstanceId: 'i-0123456789abcdef0', CurrentState: { Name: 'shutting-down' } }] });
    const cloud = provider(true);
    cloud.setSafeMode(false);
    expect(await cloud.terminateInstances(['i-0123456789abcdef0'])).toEqual({ dryRun: false, value: [{ instanceId: 'i-0123456789abcdef0', state: 'shutting-down' }] });
    expect(ec2Mock.commandCalls(TerminateInstancesCommand)[0].args[0].input).toEqual({ InstanceIds: ['i-0123456789abcdef0'], DryRun: false });
  });

  it.each([
    ['InsufficientInstanceCapacity', 'unavailable', 'INSUFFICIENT_CAPACITY'],
    ['SpotMaxPriceTooLow', 'conflict', 'SPOT_MAX_PRICE_TOO_LOW'],
    ['InvalidInstanceID.NotFound', 'not_found', 'INSTANCE_NOT_FOUND'],
    ['InvalidAMIID.NotFound', 'not_found', 'IMAGE_NOT_FOUND'],
    ['UnauthorizedOperation', 'forbidden', 'AWS_UNAUTHORIZED'],
    ['SomethingElse', 'unavailable', 'AWS_ERROR'],
  ])('maps %s to a %s domain error %s without retrying', async (awsCode, kind, code) => {
    ec2Mock.on(RunInstancesCommand).rejects(awsError(awsCode));
    const error = await provider().launchInstance({ instanceType: 'm5.large', az: 'eu-west-1a', mode: 'spot', imageId: 'ami-1', clientToken: 't' }).catch((e) => e);
    expect(error).toMatchObject({ kind, code, details: { aws_code: awsCode } });
    expect(ec2Mock.commandCalls(RunInstancesCommand)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('retries RequestLimitExceeded with exponential backoff and jitter, then succeeds', async () => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .rejectsOnce(awsError('RequestLimitExceeded'))
      .rejectsOnce(awsError('RequestLimitExceeded'))
      .rejectsOnce(awsError('RequestLimitExceeded'))
      .resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-0123456789abcdef0', State: { Name: 'running' } }] }] });
    const instances = await provider().describeInstances(['i-0123456789abcdef0']);
    expect(instances.map((i) => [i.instanceId, i.state])).toEqual([['i-0123456789abcdef0', 'running']]);
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)).toHaveLength(4);
    // random() = 0.5 of min(1000, 100·2ⁿ): 50, 100, 200
    expect(sleeps).toEqual([50, 100, 200]);
    expect(logLines.filter((l) => l.includes('[AWS-RETRY]'))).toHaveLength(3);
  });

  it('gives up after the last attempt with a rate-limited domain error', async () => {
    ec2Mock.on(TerminateInstancesCommand).rejects(awsError('RequestLimitExceeded'));
    const error = await provider().terminateInstances(['i-0123456789abcdef0']).catch((e) => e);
    expect(error).toMatchObject({ kind: 'rate_limited', code: 'AWS_RATE_LIMITED' });
    expect(ec2Mock.commandCalls(TerminateInstancesCommand)).toHaveLength(5);
    expect(sleeps).toEqual([50, 100, 200, 400]);
  });

  it('the backoff is capped and jittered over [0, ceiling)', () => {
    expect(backoffDelayMs(10, { baseDelayMs: 200, maxDelayMs: 20_000, random: () => 0.999 })).toBe(19_980);
    expect(backoffDelayMs(0, { baseDelayMs: 200, maxDelayMs: 20_000, random: () => 0 })).toBe(0);
  });

  it('reads the spot price history as a step function for Linux/UNIX, following pages', async () => {
    ec2Mock
      .on(DescribeSpotPriceHistoryCommand)
      .resolvesOnce({
        SpotPriceHistory: [{ InstanceType: 'm5.large', AvailabilityZone: 'eu-west-1a', SpotPrice: '0.038100', Timestamp: new Date('2026-11-24T11:00:00Z'), ProductDescription: 'Linux/UNIX' }],
        NextToken: 'page2',
      })
      .resolves({
        SpotPriceHistory: [
          { InstanceType: 'm5.large', AvailabilityZone: 'eu-west-1a', SpotPrice: '0.037000', Timestamp: new Date('2026-11-24T10:00:00Z') },
          { InstanceType: 'm5.large', AvailabilityZone: 'eu-west-1b', SpotPrice: '0.040000', Timestamp: new Date('2026-11-24T09:00:00Z') },
        ],
      });
    const start = new Date('2026-11-24T08:00:00Z');
    const points = await provider().spotPriceHistory({ instanceTypes: ['m5.large'], startTime: start });
    expect(points.map((p) => [p.az, p.price, p.timestamp.toISOString()])).toEqual([
      ['eu-west-1b', 0.04, '2026-11-24T09:00:00.000Z'],
      ['eu-west-1a', 0.037, '2026-11-24T10:00:00.000Z'],
      ['eu-west-1a', 0.0381, '2026-11-24T11:00:00.000Z'],
    ]);
    const calls = ec2Mock.commandCalls(DescribeSpotPriceHistoryCommand);
    expect(calls[0].args[0].input).toEqual({ InstanceTypes: ['m5.large'], ProductDescriptions: ['Linux/UNIX'], StartTime: start, EndTime: undefined, MaxResults: 1000, NextToken: undefined });
    expect(calls[1].args[0].input.NextToken).toBe('page2');
  });

  it('current prices are the latest change per pool', async () => {
    ec2Mock.on(DescribeSpotPriceHistoryCommand).resolves({
      SpotPriceHistory: [
        { InstanceType: 'm5.large', AvailabilityZone: 'eu-west-1a', SpotPrice: '0.05', Timestamp: new Date('2026-11-24T10:00:00Z') },
        { InstanceType: 'm5.large', AvailabilityZone: 'eu-west-1a', SpotPrice: '0.04', Timestamp: new Date('2026-11-24T11:00:00Z') },
        { InstanceType: 'm5.large', AvailabilityZone: 'eu-west-1c', SpotPrice: '0.03', Timestamp: new Date('2026-11-24T09:00:00Z') },
      ],
    });
    const current = await provider().currentSpotPrices({ instanceTypes: ['m5.large'], azs: ['eu-west-1a', 'eu-west-1c'] });
    expect(current.map((p) => [p.az, p.price]).sort()).toEqual([['eu-west-1a', 0.04], ['eu-west-1c', 0.03]]);
  });

  it('creates an image without a reboot and tags image and snapshots', async () => {
    ec2Mock.on(CreateImageCommand).resolves({ ImageId: 'ami-0new' });
    expect(await provider().createImage({ instanceId: 'i-0123456789abcdef0', name: 'spot-web-1-cmd', tags: { 'spot:agent': 'web-1' } })).toEqual({ dryRun: false, value: { imageId: 'ami-0new' } });
    expect(ec2Mock.commandCalls(CreateImageCommand)[0].args[0].input).toEqual({
      InstanceId: 'i-0123456789abcdef0',
      Name: 'spot-web-1-cmd',
      Description: undefined,
      NoReboot: true,
      TagSpecifications: [
        { ResourceType: 'image', Tags: [{ Key: 'spot:agent', Value: 'web-1' }] },
        { ResourceType: 'snapshot', Tags: [{ Key: 'spot:agent', Value: 'web-1' }] },
      ],
      DryRun: false,
    });
  });

  it('leaves the data volumes continuity moves out of the image (NoDevice per device)', async () => {
    ec2Mock.on(CreateImageCommand).resolves({ ImageId: 'ami-0new' });
    await provider().createImage({ instanceId: 'i-0123456789abcdef0', name: 'spot-web-1-cmd', excludeDevices: ['/dev/sdf', '/dev/sdg'] });
    expect(ec2Mock.commandCalls(CreateImageCommand)[0].args[0].input.BlockDeviceMappings).toEqual([
      { DeviceName: '/dev/sdf', NoDevice: '' },
      { DeviceName: '/dev/sdg', NoDevice: '' },
    ]);
  });

  it('cleans up the agent\'s own AMIs past retention, then their snapshots', async () => {
    const image = (id: string, daysAgo: number, snapshot: string) => ({
      ImageId: id,
      Name: id,
      State: 'available' as const,
      CreationDate: new Date(Date.parse('2026-11-24T12:00:00Z') - daysAgo * 86_400_000).toISOString(),
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: snapshot } }],
    });
    ec2Mock.on(DescribeImagesCommand).resolves({ Images: [image('ami-new', 1, 'snap-new'), image('ami-old', 10, 'snap-old'), image('ami-older', 20, 'snap-older'), image('ami-mid', 3, 'snap-mid')] });
    ec2Mock.on(DeregisterImageCommand).resolves({});
    ec2Mock.on(DeleteSnapshotCommand).resolves({});
    const outcome = await cleanUpImages(provider(), { tags: { 'spot:agent': 'web-1' }, keepLatest: 1, retentionDays: 7, now: new Date('2026-11-24T12:00:00Z') });
    expect(outcome).toEqual({ images: ['ami-old', 'ami-older'], snapshots: ['snap-old', 'snap-older'], dryRun: false, failures: [] });
    expect(ec2Mock.commandCalls(DescribeImagesCommand)[0].args[0].input).toEqual({ Owners: ['self'], Filters: [{ Name: 'tag:spot:agent', Values: ['web-1'] }] });
  });

  it('AssumeRole sends the ExternalId and answers temporary credentials; a refusal is forbidden', async () => {
    const stsMock = mockClient(STSClient);
    stsMock.on(AssumeRoleCommand).resolvesOnce({
      Credentials: { AccessKeyId: 'ASIA1', SecretAccessKey: 's', SessionToken: 'tok', Expiration: new Date('2026-11-24T13:00:00Z') },
    });
    const assumer = new AwsRoleAssumer(new STSClient({ region: 'eu-west-1' }), { sleep: async () => undefined });
    const creds = await assumer.assumeRole({ roleArn: 'arn:aws:iam::123456789012:role/SpotOptimizer', externalId: 'ext-123', sessionName: 'spot-optimizer' });
    expect(creds).toEqual({ accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 'tok', expiration: new Date('2026-11-24T13:00:00Z') });
    expect(stsMock.commandCalls(AssumeRoleCommand)[0].args[0].input).toEqual({
      RoleArn: 'arn:aws:iam::123456789012:role/SpotOptimizer',
      ExternalId: 'ext-123',
      RoleSessionName: 'spot-optimizer',
      DurationSeconds: 3600,
    });
    stsMock.on(AssumeRoleCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    await expect(assumer.assumeRole({ roleArn: 'arn:aws:iam::1:role/x', externalId: 'bad', sessionName: 's' })).rejects.toMatchObject({ code: 'AWS_UNAUTHORIZED' });
    stsMock.restore();
  });
});

describe('createEc2Client and the standard endpoint variables', () => {
  let server: Server;
  let requests: string[];
  const saved = { ...process.env };

  beforeAll(async () => {
    requests = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        requests.push(body);
        res.writeHead(200, { 'Content-Type': 'text/xml' });
        if (body.includes('Action=AssumeRole')) {
          res.end(
            '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>' +
              '<AccessKeyId>ASIALOCAL</AccessKeyId><SecretAccessKey>s3cr3t</SecretAccessKey><SessionToken>tok</SessionToken>' +
              '<Expiration>2026-11-24T13:00:00Z</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></AssumeRoleResponse>',
          );
          return;
        }
        res.end(
          '<DescribeSpotPriceHistoryResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1</requestId><spotPriceHistorySet>' +
            '<item><instanceType>m5.large</instanceType><productDescription>Linux/UNIX</productDescription><spotPrice>0.038100</spotPrice>' +
            '<timestamp>2026-11-24T11:00:00.000Z</timestamp><availabilityZone>eu-west-1a</availabilityZone></item>' +
            '</spotPriceHistorySet><nextToken/></DescribeSpotPriceHistoryResponse>',
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    process.env = saved;
    await new Promise((resolve) => server.close(resolve));
  });

  it('goes to AWS_ENDPOINT_URL_EC2 with credentials from the environment (any EC2-compatible endpoint)', async () => {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_EC2: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      AWS_ACCESS_KEY_ID: 'AKIDENV',
      AWS_SECRET_ACCESS_KEY: 'secret-env',
    });
    const cloud = new AwsCloudProvider({ ec2: createEc2Client('eu-west-1') });
    const points = await cloud.spotPriceHistory({ instanceTypes: ['m5.large'], startTime: new Date('2026-11-24T10:00:00Z') });
    expect(points).toEqual([{ instanceType: 'm5.large', az: 'eu-west-1a', price: 0.0381, timestamp: new Date('2026-11-24T11:00:00Z') }]);
    expect(requests[0]).toContain('Action=DescribeSpotPriceHistory');
    expect(requests[0]).toContain('ProductDescription.1=Linux%2FUNIX');
  });

  it('STS goes to AWS_ENDPOINT_URL_STS: AssumeRole with the ExternalId', async () => {
    process.env.AWS_ENDPOINT_URL_STS = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const creds = await new AwsRoleAssumer(createStsClient('eu-west-1')).assumeRole({ roleArn: 'arn:aws:iam::123456789012:role/Spot', externalId: 'ext-42', sessionName: 'spot' });
    expect(creds).toEqual({ accessKeyId: 'ASIALOCAL', secretAccessKey: 's3cr3t', sessionToken: 'tok', expiration: new Date('2026-11-24T13:00:00Z') });
    const sent = requests[requests.length - 1];
    expect(sent).toContain('Action=AssumeRole');
    expect(sent).toContain('ExternalId=ext-42');
  });
});
