import { FixedMarket, SimulatedCloud, SimulatedContinuity } from '@spot/cloud';
import { ManualClock } from '@spot/core';

/** The simulated continuity model on its own: the figures of docs/continuity.md, on the clock. */
describe('SimulatedContinuity', () => {
  const setup = async () => {
    const clock = new ManualClock('2026-11-24T12:00:00.000Z');
    const market = new FixedMarket([{ instanceType: 'm5.large', az: 'eu-west-1a', price: 0.04, timestamp: new Date('2026-11-24T00:00:00Z') }]);
    const cloud = new SimulatedCloud({ clock, market, region: 'eu-west-1', bootMs: 30_000, shutdownMs: 5_000 });
    const image = cloud.registerImage('base');
    const launch = async (token: string) => {
      const m = await cloud.launchInstance({ instanceType: 'm5.large', az: 'eu-west-1a', mode: 'on-demand', imageId: image, clientToken: token });
      if (m.dryRun) throw new Error('dry run');
      return m.value.instanceId;
    };
    const a = await launch('a');
    const b = await launch('b');
    clock.advanceSeconds(30);
    return { clock, cloud, continuity: new SimulatedContinuity({ clock, instances: cloud.instanceView() }), a, b };
  };

  it('target health: initial until registration + interval × threshold, draining for the deregistration delay, then gone', async () => {
    const { clock, continuity, a } = await setup();
    const arn = continuity.createTargetGroup({ arn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef' });
    await continuity.registerTargets(arn, [a]);
    expect((await continuity.describeTargetHealth(arn, [a]))[0].state).toBe('initial');
    clock.advanceSeconds(3 + 30 * 5 - 1);
    expect((await continuity.describeTargetHealth(arn, [a]))[0].state).toBe('initial');
    clock.advanceSeconds(1);
    expect((await continuity.describeTargetHealth(arn, [a]))[0].state).toBe('healthy');
    await continuity.deregisterTargets(arn, [a]);
    expect((await continuity.describeTargetHealth(arn, [a]))[0].state).toBe('draining');
    clock.advanceSeconds(300);
    expect((await continuity.describeTargetHealth(arn, [a]))[0]).toMatchObject({ state: 'unused', reason: 'Target.NotRegistered' });
  });

  it('a detach from an instance that is shutting down stays busy until it has stopped; Force detaches at once', async () => {
    const { clock, cloud, continuity, a, b } = await setup();
    const v1 = continuity.createDataVolume({ az: 'eu-west-1a', sizeGiB: 10, instanceId: a });
    const v2 = continuity.createDataVolume({ az: 'eu-west-1a', sizeGiB: 10, instanceId: a, device: '/dev/sdg' });
    await cloud.terminateInstances([a]);
    await continuity.detachVolume({ volumeId: v1, instanceId: a });
    expect((await continuity.describeVolumes({ volumeIds: [v1] }))[0].attachment?.state).toBe('busy');
    await continuity.detachVolume({ volumeId: v2, instanceId: a, force: true });
    expect((await continuity.describeVolumes({ volumeIds: [v2] }))[0].state).toBe('available');
    await expect(continuity.attachVolume({ volumeId: v1, instanceId: b, device: '/dev/sdf' })).rejects.toMatchObject({ details: { aws_code: 'VolumeInUse' } });
    clock.advanceSeconds(5);
    expect((await continuity.describeVolumes({ volumeIds: [v1] }))[0].state).toBe('available');
    await continuity.attachVolume({ volumeId: v1, instanceId: b, device: '/dev/sdf' });
    expect((await continuity.describeVolumes({ volumeIds: [v1] }))[0].attachment?.state).toBe('attaching');
    clock.advanceSeconds(5);
    expect((await continuity.describeVolumes({ volumeIds: [v1] }))[0].attachment).toMatchObject({ instanceId: b, state: 'attached' });
  });

  it('an image holds the attached data volumes unless they are NoDevice: the new instance then has the device and the moved volume cannot attach there', async () => {
    const { clock, cloud, continuity, a } = await setup();
    const volume = continuity.createDataVolume({ az: 'eu-west-1a', sizeGiB: 10, instanceId: a, device: '/dev/sdf' });
    const launchFrom = async (excludeDevices: string[] | undefined, token: string) => {
      const image = await cloud.createImage({ instanceId: a, name: token, ...(excludeDevices ? { excludeDevices } : {}) });
      if (image.dryRun) throw new Error('dry run');
      clock.advanceSeconds(60);
      const launched = await cloud.launchInstance({ instanceType: 'm5.large', az: 'eu-west-1a', mode: 'on-demand', imageId: image.value.imageId, clientToken: token });
      if (launched.dryRun) throw new Error('dry run');
      clock.advanceSeconds(30);
      return launched.value.instanceId;
    };
    const withCopy = await launchFrom(undefined, 'with-copy');
    const without = await launchFrom(['/dev/sdf'], 'without-copy');
    expect(cloud.instanceView().blockDevicesOf?.(withCopy)).toEqual(['/dev/xvda', '/dev/sdf']);
    expect(cloud.instanceView().blockDevicesOf?.(without)).toEqual(['/dev/xvda']);

    await continuity.detachVolume({ volumeId: volume, instanceId: a });
    clock.advanceSeconds(5);
    await expect(continuity.attachVolume({ volumeId: volume, instanceId: withCopy, device: '/dev/sdf' })).rejects.toMatchObject({ code: 'CLOUD_RESOURCE_BUSY', details: { aws_code: 'InvalidParameterValue' } });
    await continuity.attachVolume({ volumeId: volume, instanceId: without, device: '/dev/sdf' });
    clock.advanceSeconds(5);
    expect((await continuity.describeVolumes({ volumeIds: [volume] }))[0].attachment).toMatchObject({ instanceId: without, device: '/dev/sdf', state: 'attached' });
  });

  it('snapshots report progress; the first is full, later ones incremental; a volume from one is made in any zone', async () => {
    const { clock, continuity, a } = await setup();
    const v = continuity.createDataVolume({ az: 'eu-west-1a', sizeGiB: 100, instanceId: a });
    const s1 = await continuity.createSnapshot({ volumeId: v });
    if (s1.dryRun) throw new Error('dry run');
    clock.advanceSeconds(450); // half of 100 GiB × 9 s
    expect((await continuity.describeSnapshots({ snapshotIds: [s1.value.snapshotId] }))[0]).toMatchObject({ state: 'pending', progress: 50 });
    await expect(continuity.createVolume({ snapshotId: s1.value.snapshotId, az: 'eu-west-1b' })).rejects.toMatchObject({ code: 'CLOUD_RESOURCE_BUSY' });
    clock.advanceSeconds(450);
    expect((await continuity.describeSnapshots({ snapshotIds: [s1.value.snapshotId] }))[0]).toMatchObject({ state: 'completed', progress: 100 });
    const s2 = await continuity.createSnapshot({ volumeId: v });
    if (s2.dryRun) throw new Error('dry run');
    clock.advanceSeconds(30); // 2 % of 100 GiB × 9 s = 18 s, at least 30 s
    expect((await continuity.describeSnapshots({ snapshotIds: [s2.value.snapshotId] }))[0].state).toBe('completed');
    const made = await continuity.createVolume({ snapshotId: s2.value.snapshotId, az: 'eu-west-1b' });
    if (made.dryRun) throw new Error('dry run');
    expect((await continuity.describeVolumes({ volumeIds: [made.value.volumeId] }))[0]).toMatchObject({ state: 'creating', az: 'eu-west-1b', sizeGiB: 100 });
    clock.advanceSeconds(10);
    expect((await continuity.describeVolumes({ volumeIds: [made.value.volumeId] }))[0].state).toBe('available');
  });

  it('DNS changes are PENDING for 60 s, then INSYNC; an Elastic IP moves with AllowReassociation only', async () => {
    const { clock, continuity, a, b } = await setup();
    continuity.createHostedZone('Z1');
    const change = await continuity.upsertARecord({ hostedZoneId: 'Z1', name: 'app.example.com', ttl: 60, ip: '203.0.113.9' });
    if (change.dryRun) throw new Error('dry run');
    expect(await continuity.dnsChangeStatus(change.value.changeId)).toBe('PENDING');
    clock.advanceSeconds(60);
    expect(await continuity.dnsChangeStatus(change.value.changeId)).toBe('INSYNC');
    const eip = continuity.allocateAddress(a);
    await expect(continuity.associateAddress({ allocationId: eip.allocationId, instanceId: b, allowReassociation: false })).rejects.toMatchObject({ details: { aws_code: 'Resource.AlreadyAssociated' } });
    await continuity.associateAddress({ allocationId: eip.allocationId, instanceId: b, allowReassociation: true });
    expect((await continuity.describeAddresses({ allocationIds: [eip.allocationId] }))[0].instanceId).toBe(a);
    clock.advanceSeconds(2);
    expect((await continuity.describeAddresses({ allocationIds: [eip.allocationId] }))[0].instanceId).toBe(b);
  });
});
