import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Clock } from '@spot/core';
import { InstanceMetadataView } from './simulated-cloud';

/** Where the server gets each instance's metadata (the simulated cloud). */
export type MetadataSource = (instanceId: string) => InstanceMetadataView | undefined;

/**
 * IMDSv2 over HTTP, in the real formats (DESIGN §6): `PUT /latest/api/token` with
 * `X-aws-ec2-metadata-token-ttl-seconds` (1–21600) answers a token; every GET needs it in
 * `X-aws-ec2-metadata-token` (401 when missing or expired); the two notice paths answer 404 when
 * nothing is pending. One server serves every simulated instance under `/<instance-id>`, so an
 * agent's `AWS_EC2_METADATA_SERVICE_ENDPOINT` is `endpointFor(instanceId)`.
 */
export class ImdsServer {
  private server: Server | undefined;
  private readonly tokens = new Map<string, { instanceId: string; expiresAt: number }>();
  /** Requests seen, for tests: `<METHOD> <path> <status>`. */
  readonly requests: string[] = [];

  constructor(
    private readonly source: MetadataSource,
    private readonly clock: Clock,
  ) {}

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(port, host, resolve));
    return this.baseUrl;
  }

  get baseUrl(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('IMDS server is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  endpointFor(instanceId: string): string {
    return `${this.baseUrl}/${instanceId}`;
  }

  /** Every token issued so far expires now (tests the agent's refresh on 401). */
  expireTokens(): void {
    for (const token of this.tokens.values()) token.expiresAt = 0;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const match = /^\/(i-[0-9a-f]+)(\/.*)$/.exec((req.url ?? '').split('?')[0]);
    const answer = (status: number, body = '', type = 'text/plain') => {
      this.requests.push(`${req.method} ${match?.[2] ?? req.url} ${status}`);
      res.writeHead(status, { 'Content-Type': type, Server: 'EC2ws' });
      res.end(body);
    };
    req.resume();
    if (!match) return answer(404, 'Not Found');
    const [, instanceId, path] = match;
    const metadata = this.source(instanceId);
    if (!metadata) return answer(404, 'Not Found');

    if (path === '/latest/api/token') {
      if (req.method !== 'PUT') return answer(405, 'Method Not Allowed');
      const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21600) return answer(400, 'Bad Request');
      const token = randomBytes(32).toString('base64');
      this.tokens.set(token, { instanceId, expiresAt: this.clock.nowMs() + ttl * 1000 });
      return answer(200, token);
    }
    if (req.method !== 'GET') return answer(405, 'Method Not Allowed');
    const token = this.tokens.get(String(req.headers['x-aws-ec2-metadata-token'] ?? ''));
    if (!token || token.instanceId !== instanceId || token.expiresAt <= this.clock.nowMs()) return answer(401, 'Unauthorized');

    switch (path) {
      case '/latest/dynamic/instance-identity/document':
        return answer(200, JSON.stringify(metadata.identityDocument, null, 2), 'application/json');
      case '/latest/meta-data/instance-id':
        return answer(200, String(metadata.identityDocument.instanceId));
      case '/latest/meta-data/instance-type':
        return answer(200, String(metadata.identityDocument.instanceType));
      case '/latest/meta-data/placement/availability-zone':
        return answer(200, String(metadata.identityDocument.availabilityZone));
      case '/latest/meta-data/instance-life-cycle':
        return answer(200, metadata.lifeCycle);
      case '/latest/meta-data/hostname':
      case '/latest/meta-data/local-hostname':
        return answer(200, metadata.hostname);
      case '/latest/user-data':
        return metadata.userData === undefined ? answer(404, 'Not Found') : answer(200, metadata.userData, 'application/octet-stream');
      case '/latest/meta-data/spot/instance-action':
        return metadata.instanceAction ? answer(200, JSON.stringify(metadata.instanceAction), 'application/json') : answer(404, 'Not Found');
      case '/latest/meta-data/events/recommendations/rebalance':
        return metadata.rebalance ? answer(200, JSON.stringify(metadata.rebalance), 'application/json') : answer(404, 'Not Found');
      default:
        return answer(404, 'Not Found');
    }
  }
}
