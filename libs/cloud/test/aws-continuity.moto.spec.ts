import { AllocateAddressCommand, AssociateAddressCommand, AttachVolumeCommand, CreateSubnetCommand, CreateVolumeCommand, CreateVpcCommand, DescribeImagesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateTargetGroupCommand, ElasticLoadBalancingV2Client, RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { AwsCloudProvider, AwsContinuityCloud, ContinuityCloud, createEc2Client, createElbv2Client, createRoute53Client } from '@spot/cloud';
import { CutoverUseCase, resolveContinuity, ScriptedHookRunner, VirtualSleeper } from '@spot/continuity';
import { DomainError, ManualClock } from '@spot/core';
import { acquireMotoLock } from '@spot/testing';

/**
 * The AWS adapter's cut-over calls against moto (a real AWS-compatible HTTP server). Runs when
 * AWS_TEST_ENDPOINT is set (`.ci/run` starts moto and sets it; README "moto suites").
 * moto changes state at once, so the waits poll it in virtual time.
 */
const endpoint = process.env.AWS_TEST_ENDPOINT;
const describeMoto = endpoint ? describe : describe.skip;
const REGION = 'eu-west-1';

describeMoto('AwsContinuityCloud against moto', () => {
  const saved = { ...process.env };
  let ec2: EC2Client;
  let elbv2: ElasticLoadBalancingV2Client;
  let route53: Route53Client;
  let releaseMoto: (() => void) | undefined;

  beforeAll(async () => {
    // The agent's moto suite shares the server: no reset under each other.
    releaseMoto = await acquireMotoLock(endpoint as string);
    // Through the standard variables, as on a customer's machine.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: endpoint,
      AWS_ENDPOINT_URL_ROUTE_53: endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    });
    ec2 = createEc2Client(REGION);
    elbv2 = createElbv2Client(REGION);
    route53 = createRoute53Client(REGION);
  }, 6 * 60_000); // may wait for the moto lock

  afterAll(() => {
    releaseMoto?.();
    process.env = saved;
  });

  beforeEach(async () => {
    await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  });

  /** An old instance in a target group, holding an Elastic IP and a data volume, and a new one in the same zone. */
  async function workload() {
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'eu-west-1a' }))).Subnet!.SubnetId!;
    const run = async () => (await ec2.send(new RunInstancesCommand({ ImageId: 'ami-03cf127a', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SubnetId: subnet }))).Instances![0].InstanceId!;
    const old = await run();
    const fresh = await run();
    const tg = (await elbv2.send(new CreateTargetGroupCommand({ Name: 'web', Protocol: 'HTTP', Port: 80, VpcId: vpc, TargetType: 'instance' }))).TargetGroups![0].TargetGroupArn!;
    await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: old }] }));
    const allocationId = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
    await ec2.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: old }));
    const volume = (await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'eu-west-1a', Size: 20, VolumeType: 'gp3', TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'app', Value: 'web' }] }] }))).VolumeId!;
    await ec2.send(new AttachVolumeCommand({ VolumeId: volume, InstanceId: old, Device: '/dev/sdf' }));
    const zone = (await route53.send(new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: `ref-${Date.now()}` }))).HostedZone!.Id!;
    return { old, fresh, tg, allocationId, volume, zone: zone.replace('/hostedzone/', '') };
  }

  const cutoverWith = (cloud: ContinuityCloud) => {
    const clock = new ManualClock('2026-11-24T12:00:00Z');
    const sleeper = new VirtualSleeper(clock);
    return new CutoverUseCase({ cloud, instances: new AwsCloudProvider({ ec2 }), clock, sleeper, hooks: new ScriptedHookRunner((ms) => sleeper.sleep(ms)), pollMs: 1000 });
  };

  it('a switch moves the target group, the Elastic IP, the DNS record and the data volume to the new instance; the old one is deregistered before it is terminated', async () => {
    const w = await workload();
    const cloud = new AwsContinuityCloud({ ec2, elbv2, route53 });
    const provider = new AwsCloudProvider({ ec2 });
    expect(await cloud.targetGroupsOf(w.old)).toEqual([w.tg]);
    const resources = await resolveContinuity(
      cloud,
      { targetGroups: { discover: true }, elasticIp: { current: true }, dns: { hostedZoneId: w.zone, name: 'app.example.com', ttl: 60 }, dataVolumes: [{ tag: { key: 'app', value: 'web' } }] },
      w.old,
    );
    expect(resources).toMatchObject({ targetGroupArns: [w.tg], allocationId: w.allocationId, volumes: [{ volumeId: w.volume, device: '/dev/sdf', az: 'eu-west-1a' }] });

    const report = await cutoverWith(cloud).run({ kind: 'planned', oldInstanceId: w.old, newInstanceId: w.fresh, newAz: 'eu-west-1a', resources });
    expect(report.error).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(report.steps.map((s) => s.name)).toEqual(['register_targets', 'wait_targets_healthy', 'deregister_old_targets', 'move_elastic_ip', 'update_dns', `move_volume ${w.volume}`, 'wait_old_drained']);

    const health = await cloud.describeTargetHealth(w.tg);
    expect(health.filter((h) => h.state === 'healthy').map((h) => h.instanceId)).toEqual([w.fresh]);
    expect(health.some((h) => h.instanceId === w.old && h.state !== 'draining')).toBe(false);
    const [address] = await cloud.describeAddresses({ allocationIds: [w.allocationId] });
    expect(address.instanceId).toBe(w.fresh);
    const [volume] = await cloud.describeVolumes({ volumeIds: [w.volume] });
    expect(volume.attachment).toMatchObject({ instanceId: w.fresh, device: '/dev/sdf' });
    expect(await cloud.aRecordOf(w.zone, 'app.example.com')).toEqual({ ip: address.publicIp, ttl: 60 });

    // Only now may the old instance go.
    expect(report.oldDeregisteredAt).toBeDefined();
    const terminated = await provider.terminateInstances([w.old]);
    expect(terminated.dryRun).toBe(false);
  });

  const steps: Array<[string, keyof ContinuityCloud]> = [
    ['register_targets', 'registerTargets'],
    ['wait_targets_healthy', 'describeTargetHealth'],
    ['deregister_old_targets', 'deregisterTargets'],
    ['move_elastic_ip', 'associateAddress'],
    ['update_dns', 'upsertARecord'],
    ['move_volume', 'detachVolume'],
    ['move_volume', 'attachVolume'],
  ];

  it.each(steps)('a failure at %s (%s) leaves the old instance serving', async (step, operation) => {
    const w = await workload();
    const real = new AwsContinuityCloud({ ec2, elbv2, route53 });
    let failed = false;
    // Failure injection: the first call of one operation fails as AWS would (the rest is moto).
    const flaky = new Proxy(real, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop !== operation || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
        return async (...args: unknown[]) => {
          if (!failed) {
            failed = true;
            throw new DomainError('unavailable', 'AWS_ERROR', `${String(prop)}: InternalError (injected)`, { aws_code: 'InternalError' });
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as ContinuityCloud;
    const resources = { targetGroupArns: [w.tg], allocationId: w.allocationId, dns: { hostedZoneId: w.zone, name: 'app.example.com', ttl: 60 }, volumes: [{ volumeId: w.volume, az: 'eu-west-1a', device: '/dev/sdf', volumeType: 'gp3' }], crossAzSnapshot: true };
    const report = await cutoverWith(flaky).run({ kind: 'planned', oldInstanceId: w.old, newInstanceId: w.fresh, newAz: 'eu-west-1a', resources });
    expect(report.ok).toBe(false);
    expect(report.failedStep?.startsWith(step)).toBe(true);
    expect(report.undoFailures).toEqual([]);

    const health = await real.describeTargetHealth(w.tg);
    expect(health.filter((h) => h.state === 'healthy').map((h) => h.instanceId)).toContain(w.old);
    expect(health.some((h) => h.instanceId === w.fresh && h.state === 'healthy')).toBe(false);
    expect((await real.describeAddresses({ allocationIds: [w.allocationId] }))[0].instanceId).toBe(w.old);
    expect((await real.describeVolumes({ volumeIds: [w.volume] }))[0].attachment?.instanceId).toBe(w.old);
    expect((await new AwsCloudProvider({ ec2 }).describeInstances([w.old]))[0].state).toBe('running');
  });

  it('creates a snapshot and a volume from it in another zone, and reads its progress', async () => {
    const w = await workload();
    const cloud = new AwsContinuityCloud({ ec2, elbv2, route53 });
    const snap = await cloud.createSnapshot({ volumeId: w.volume, tags: { 'spot:replica-id': 'r-1' } });
    if (snap.dryRun) throw new Error('dry run');
    const [described] = await cloud.describeSnapshots({ tags: { 'spot:replica-id': 'r-1' } });
    expect(described).toMatchObject({ snapshotId: snap.value.snapshotId, volumeId: w.volume, state: 'completed', progress: 100 });
    const made = await cloud.createVolume({ snapshotId: snap.value.snapshotId, az: 'eu-west-1b', tags: { 'spot:source-volume': w.volume } });
    if (made.dryRun) throw new Error('dry run');
    expect((await cloud.describeVolumes({ volumeIds: [made.value.volumeId] }))[0]).toMatchObject({ az: 'eu-west-1b', snapshotId: snap.value.snapshotId });
    expect((await cloud.deleteVolume(made.value.volumeId)).dryRun).toBe(false);
  });

  it('safe mode: EC2 calls go out as DryRun; ELBv2 and Route 53 (no DryRun) only read; nothing changes', async () => {
    const w = await workload();
    const cloud = new AwsContinuityCloud({ ec2, elbv2, route53, safeMode: true });
    expect(await cloud.associateAddress({ allocationId: w.allocationId, instanceId: w.fresh, allowReassociation: true })).toMatchObject({ dryRun: true });
    expect(await cloud.registerTargets(w.tg, [w.fresh])).toMatchObject({ dryRun: true });
    expect(await cloud.upsertARecord({ hostedZoneId: w.zone, name: 'app.example.com', ttl: 60, ip: '198.51.100.7' })).toMatchObject({ dryRun: true });
    expect(await cloud.detachVolume({ volumeId: w.volume, instanceId: w.old })).toMatchObject({ dryRun: true });
    expect((await cloud.describeAddresses({ allocationIds: [w.allocationId] }))[0].instanceId).toBe(w.old);
    expect((await cloud.describeTargetHealth(w.tg)).map((h) => h.instanceId)).toEqual([w.old]);
    expect(await cloud.aRecordOf(w.zone, 'app.example.com')).toBeUndefined();
    await expect(cloud.registerTargets(w.tg.replace(/[0-9a-f]{16}$/, '0000000000000000'), [w.fresh])).rejects.toMatchObject({ kind: 'not_found', code: 'CLOUD_RESOURCE_NOT_FOUND' });
  });

  it('CreateImage keeps sending snapshot tags; unpatched moto answers an HTML 500, which reads as such (not as an XML parser error)', async () => {
    const w = await workload();
    const provider = new AwsCloudProvider({ ec2, retry: { maxAttempts: 1 } });
    const outcome = await provider.createImage({ instanceId: w.old, name: 'spot-web', tags: { 'spot:agent': 'web-1' } }).catch((e: unknown) => e);
    if (outcome instanceof DomainError) {
      // moto 5.2.x without docs/continuity.md's two-line patch of moto/ec2/models/amis.py
      expect(outcome).toMatchObject({ kind: 'unavailable', code: 'AWS_BAD_RESPONSE', details: { http_status: 500 } });
      expect(outcome.message).toContain('HTTP 500');
      expect(outcome.message).toContain('500 Internal Server Error');
      expect(outcome.message).not.toContain('XML parse error');
    } else {
      // the patched moto applies the tags to the image's snapshots, as EC2 does
      expect(outcome).toMatchObject({ dryRun: false, value: { imageId: expect.stringMatching(/^ami-/) } });
    }
  });

  it('CreateImage leaves a moved data volume out: the NoDevice mapping goes on the wire and moto accepts it', async () => {
    const w = await workload();
    // What the SDK sends (the EC2 query body), read off the real request to moto.
    const bodies: string[] = [];
    const client = createEc2Client(REGION);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const body = (args.request as { body?: unknown }).body;
        if (context.commandName === 'CreateImageCommand' && typeof body === 'string') bodies.push(decodeURIComponent(body));
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordCreateImageBody' },
    );
    // No tags: stock moto answers CreateImage with snapshot tags with a 500 (the test above).
    const created = await new AwsCloudProvider({ ec2: client, retry: { maxAttempts: 1 } }).createImage({ instanceId: w.old, name: 'spot-web-data', excludeDevices: ['/dev/sdf'] });
    expect(created).toMatchObject({ dryRun: false, value: { imageId: expect.stringMatching(/^ami-/) } });
    expect(bodies).toHaveLength(1);
    expect(bodies[0].split('&')).toEqual(expect.arrayContaining(['BlockDeviceMapping.1.DeviceName=/dev/sdf', 'BlockDeviceMapping.1.NoDevice=']));
    // moto 5.2.x stores only the image's root device (it ignores the request's mappings); real
    // EC2 would list the attached /dev/sdf too unless it is mapped to NoDevice.
    const image = (await ec2.send(new DescribeImagesCommand({ ImageIds: [created.dryRun ? '' : created.value.imageId] }))).Images![0];
    expect(image.BlockDeviceMappings?.map((m) => m.DeviceName)).not.toContain('/dev/sdf');
  });
});
