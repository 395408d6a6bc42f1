import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AssociateAddressCommand, DetachVolumeCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client, ElasticLoadBalancingV2ServiceException, RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ChangeResourceRecordSetsCommand, Route53Client, Route53ServiceException } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsCloudProvider, AwsContinuityCloud } from '@spot/cloud';

const creds = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const ec2Error = (name: string) => new EC2ServiceException({ name, message: name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
const elbError = (name: string) => new ElasticLoadBalancingV2ServiceException({ name, message: name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
const r53Error = (name: string) => new Route53ServiceException({ name, message: name, $fault: 'client', $metadata: { httpStatusCode: 400 } });

describe('AwsContinuityCloud error mapping (aws-sdk-client-mock)', () => {
  const ec2Mock = mockClient(EC2Client);
  const elbMock = mockClient(ElasticLoadBalancingV2Client);
  const r53Mock = mockClient(Route53Client);
  const sleeps: number[] = [];
  const cloud = (safeMode = false) =>
    new AwsContinuityCloud({
      ec2: new EC2Client({ region: 'eu-west-1', credentials: creds }),
      elbv2: new ElasticLoadBalancingV2Client({ region: 'eu-west-1', credentials: creds }),
      route53: new Route53Client({ region: 'eu-west-1', credentials: creds }),
      safeMode,
      retry: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, maxAttempts: 3 },
    });

  beforeEach(() => {
    ec2Mock.reset();
    elbMock.reset();
    r53Mock.reset();
    sleeps.length = 0;
  });

  afterAll(() => {
    ec2Mock.restore();
    elbMock.restore();
    r53Mock.restore();
  });

  it.each([
    ['TargetGroupNotFound', 'not_found', 'CLOUD_RESOURCE_NOT_FOUND'],
    ['InvalidTarget', 'invalid', 'CLOUD_REQUEST_INVALID'],
    ['AccessDenied', 'forbidden', 'AWS_UNAUTHORIZED'],
  ])('RegisterTargets %s → %s %s', async (awsCode, kind, code) => {
    elbMock.on(RegisterTargetsCommand).rejects(elbError(awsCode));
    await expect(cloud().registerTargets('arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef', ['i-0123456789abcdef0'])).rejects.toMatchObject({ kind, code, details: { aws_code: awsCode } });
  });

  it.each([
    ['InvalidAllocationID.NotFound', 'not_found', 'CLOUD_RESOURCE_NOT_FOUND'],
    ['Resource.AlreadyAssociated', 'conflict', 'CLOUD_RESOURCE_BUSY'],
    ['IncorrectInstanceState', 'conflict', 'CLOUD_RESOURCE_BUSY'],
  ])('AssociateAddress %s → %s %s', async (awsCode, kind, code) => {
    ec2Mock.on(AssociateAddressCommand).rejects(ec2Error(awsCode));
    await expect(cloud().associateAddress({ allocationId: 'eipalloc-12345678', instanceId: 'i-0123456789abcdef0', allowReassociation: true })).rejects.toMatchObject({ kind, code });
  });

  it('AssociateAddress sends AllowReassociation; DetachVolume sends Force; a zone mismatch is named', async () => {
    ec2Mock.on(AssociateAddressCommand).resolves({ AssociationId: 'eipassoc-1' });
    expect(await cloud().associateAddress({ allocationId: 'eipalloc-12345678', instanceId: 'i-0123456789abcdef0', allowReassociation: true })).toEqual({ dryRun: false, value: { associationId: 'eipassoc-1' } });
    expect(ec2Mock.commandCalls(AssociateAddressCommand)[0].args[0].input).toEqual({ AllocationId: 'eipalloc-12345678', InstanceId: 'i-0123456789abcdef0', AllowReassociation: true, DryRun: false });
    ec2Mock.on(DetachVolumeCommand).rejects(ec2Error('InvalidVolume.ZoneMismatch'));
    await expect(cloud().detachVolume({ volumeId: 'vol-12345678', instanceId: 'i-0123456789abcdef0', force: true })).rejects.toMatchObject({ code: 'VOLUME_ZONE_MISMATCH' });
    expect(ec2Mock.commandCalls(DetachVolumeCommand)[0].args[0].input).toMatchObject({ Force: true });
  });

  it('Route 53: InvalidChangeBatch is invalid; PriorRequestNotComplete is retried with backoff', async () => {
    r53Mock.on(ChangeResourceRecordSetsCommand).rejectsOnce(r53Error('PriorRequestNotComplete')).resolves({ ChangeInfo: { Id: '/change/C123', Status: 'PENDING', SubmittedAt: new Date() } });
    expect(await cloud().upsertARecord({ hostedZoneId: 'Z123', name: 'app.example.com', ttl: 60, ip: '198.51.100.1' })).toEqual({ dryRun: false, value: { changeId: 'C123' } });
    expect(sleeps).toHaveLength(1);
    const sent = r53Mock.commandCalls(ChangeResourceRecordSetsCommand)[0].args[0].input;
    expect(sent).toMatchObject({ HostedZoneId: 'Z123', ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: 'app.example.com.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '198.51.100.1' }] } }] } });
    r53Mock.on(ChangeResourceRecordSetsCommand).rejects(r53Error('InvalidChangeBatch'));
    await expect(cloud().upsertARecord({ hostedZoneId: 'Z123', name: 'app.example.com', ttl: 60, ip: 'x' })).rejects.toMatchObject({ kind: 'invalid', code: 'CLOUD_REQUEST_INVALID' });
  });

  it('safe mode on ELBv2 only checks that the group exists', async () => {
    elbMock.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [{ TargetGroupArn: 'arn' }] });
    expect(await cloud(true).registerTargets('arn', ['i-0123456789abcdef0'])).toMatchObject({ dryRun: true });
    expect(elbMock.commandCalls(RegisterTargetsCommand)).toHaveLength(0);
  });
});

describe('an endpoint answering an HTML page instead of AWS XML', () => {
  let server: Server;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(500, { 'Content-Type': 'text/html' });
      res.end('<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error.</p>\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('is reported with its HTTP status and the page title, not as an XML parser error', async () => {
    const ec2 = new EC2Client({ region: 'eu-west-1', credentials: creds, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, maxAttempts: 1 });
    const error = await new AwsCloudProvider({ ec2, retry: { maxAttempts: 1 } }).createImage({ instanceId: 'i-0123456789abcdef0', name: 'x', tags: { a: 'b' } }).catch((e) => e);
    expect(error).toMatchObject({ kind: 'unavailable', code: 'AWS_BAD_RESPONSE', details: { http_status: 500, aws_code: 'NonXmlResponse' } });
    expect(error.message).toBe(
      'CreateImage of i-0123456789abcdef0 as x: the endpoint answered HTTP 500 with a page that is not an AWS answer (500 Internal Server Error: Internal Server Error The server encountered an internal error.)',
    );
  });
});
