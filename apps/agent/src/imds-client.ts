import { Clock } from '@spot/core';
import { describeNetworkError } from './network-errors';

export const DEFAULT_IMDS_ENDPOINT = 'http://169.254.169.254';
const TOKEN_TTL_SECONDS = 21600;
/** Refresh a little before AWS would refuse the token. */
const TOKEN_MARGIN_MS = 60_000;

export class ImdsError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ImdsError';
  }
}

export interface InstanceAction {
  action: 'terminate' | 'stop' | 'hibernate';
  time: Date;
}

export interface IdentityDocument {
  instanceId: string;
  instanceType: string;
  region: string;
  availabilityZone: string;
  accountId: string;
  imageId: string;
}

/**
 * IMDSv2 (DESIGN §6): a session token from `PUT /latest/api/token`, sent with every GET; a 401
 * means the token expired, so a new one is fetched and the call retried once. 404 on the two
 * notice paths is the normal "nothing pending". The endpoint honours the SDK's standard
 * `AWS_EC2_METADATA_SERVICE_ENDPOINT`.
 */
export class ImdsClient {
  private token: { value: string; expiresAt: number } | undefined;
  private readonly endpoint: string;

  constructor(
    endpoint: string | undefined,
    private readonly clock: Clock,
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly timeoutMs = 2000,
  ) {
    this.endpoint = (endpoint || DEFAULT_IMDS_ENDPOINT).replace(/\/+$/, '');
  }

  static fromEnvironment(env: Record<string, string | undefined>, clock: Clock): ImdsClient {
    return new ImdsClient(env.AWS_EC2_METADATA_SERVICE_ENDPOINT, clock);
  }

  async identityDocument(): Promise<IdentityDocument> {
    const text = await this.get('/latest/dynamic/instance-identity/document');
    if (text === undefined) throw new ImdsError(404, 'IMDS has no instance identity document');
    const doc = JSON.parse(text) as Partial<IdentityDocument>;
    for (const field of ['instanceId', 'instanceType', 'region', 'availabilityZone'] as const) {
      if (typeof doc[field] !== 'string') throw new ImdsError(200, `IMDS identity document lacks ${field}`);
    }
    return { instanceId: doc.instanceId!, instanceType: doc.instanceType!, region: doc.region!, availabilityZone: doc.availabilityZone!, accountId: doc.accountId ?? '', imageId: doc.imageId ?? '' };
  }

  async lifeCycle(): Promise<'spot' | 'on-demand'> {
    return (await this.get('/latest/meta-data/instance-life-cycle')) === 'spot' ? 'spot' : 'on-demand';
  }

  async hostname(): Promise<string | undefined> {
    return this.get('/latest/meta-data/hostname');
  }

  async userData(): Promise<string | undefined> {
    return this.get('/latest/user-data');
  }

  /** The 2-minute notice, or undefined (404) when nothing is pending. */
  async instanceAction(): Promise<InstanceAction | undefined> {
    const text = await this.get('/latest/meta-data/spot/instance-action');
    if (text === undefined) return undefined;
    const body = JSON.parse(text) as { action?: string; time?: string };
    return { action: (body.action ?? 'terminate') as InstanceAction['action'], time: new Date(body.time ?? this.clock.now()) };
  }

  /** The rebalance recommendation, or undefined (404). */
  async rebalanceRecommendation(): Promise<{ noticeTime: Date } | undefined> {
    const text = await this.get('/latest/meta-data/events/recommendations/rebalance');
    if (text === undefined) return undefined;
    const body = JSON.parse(text) as { noticeTime?: string };
    return { noticeTime: new Date(body.noticeTime ?? this.clock.now()) };
  }

  /** GET with the session token; undefined for 404. */
  private async get(path: string): Promise<string | undefined> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = await this.sessionToken(attempt > 0);
      const response = await this.request(path, { method: 'GET', headers: { 'X-aws-ec2-metadata-token': token } });
      if (response.status === 401) continue; // expired: a fresh token, once
      if (response.status === 404) return undefined;
      if (!response.ok) throw new ImdsError(response.status, `IMDS ${path} answered ${response.status}`);
      return response.text();
    }
    throw new ImdsError(401, `IMDS refused a fresh token for ${path}`);
  }

  private async sessionToken(forceNew: boolean): Promise<string> {
    const now = this.clock.nowMs();
    if (!forceNew && this.token && this.token.expiresAt - TOKEN_MARGIN_MS > now) return this.token.value;
    const response = await this.request('/latest/api/token', { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': String(TOKEN_TTL_SECONDS) } });
    if (!response.ok) throw new ImdsError(response.status, `IMDS token request answered ${response.status}`);
    this.token = { value: await response.text(), expiresAt: now + TOKEN_TTL_SECONDS * 1000 };
    return this.token.value;
  }

  private async request(path: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetchImpl(this.endpoint + path, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new ImdsError(0, `IMDS unreachable at ${this.endpoint}: ${describeNetworkError(error, this.timeoutMs)}`);
    }
  }
}
