import type {
  AgentConfigDto,
  CleanupReportRequestDto,
  CommandExecutedRequestDto,
  ErrorResponseDto,
  HeartbeatRequestDto,
  HeartbeatResponseDto,
  PendingCommandsResponseDto,
  PricingReportRequestDto,
  RebalanceReportDto,
  RegisterAgentRequestDto,
  RegisterAgentResponseDto,
  ReplicaSyncRequestDto,
  SwitchReportRequestDto,
  TerminationReportDto,
  UpdateReplicaRequestDto,
} from '@spot/contracts';
import { describeNetworkError } from './network-errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT';

export class ControlPlaneError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ControlPlaneError';
  }

  /** Worth retrying later: the network, the server, or a rate limit. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** The agent's role as registration answers it ('retired': another instance runs the workload). */
export type { AgentRole } from '@spot/contracts';

/** Every report the agent sends, by kind: its wire body (libs/contracts). */
export interface AgentReportBodies {
  'pricing-report': PricingReportRequestDto;
  'switch-report': SwitchReportRequestDto;
  'command-executed': CommandExecutedRequestDto;
  'cleanup-report': CleanupReportRequestDto;
  'rebalance-recommendation': RebalanceReportDto;
  'create-emergency-replica': RebalanceReportDto;
  termination: TerminationReportDto;
  'termination-imminent': TerminationReportDto;
  'replica-instance': UpdateReplicaRequestDto;
  'replica-sync': ReplicaSyncRequestDto;
}
export type AgentReportKind = keyof AgentReportBodies;

/** The route of each report; `ref` is the command or replica id its path names. */
export const REPORT_ROUTES: { [K in AgentReportKind]: { method: 'POST' | 'PUT'; path: (ref?: string) => string } } = {
  'pricing-report': { method: 'POST', path: () => '/api/agents/{agent}/pricing-report' },
  'switch-report': { method: 'POST', path: () => '/api/agents/{agent}/switch-report' },
  'command-executed': { method: 'POST', path: (ref) => `/api/agents/{agent}/commands/${encodeURIComponent(ref ?? '')}/executed` },
  'cleanup-report': { method: 'POST', path: () => '/api/agents/{agent}/cleanup-report' },
  'rebalance-recommendation': { method: 'POST', path: () => '/api/agents/{agent}/rebalance-recommendation' },
  'create-emergency-replica': { method: 'POST', path: () => '/api/agents/{agent}/create-emergency-replica' },
  termination: { method: 'POST', path: () => '/api/agents/{agent}/termination' },
  'termination-imminent': { method: 'POST', path: () => '/api/agents/{agent}/termination-imminent' },
  'replica-instance': { method: 'PUT', path: (ref) => `/api/agents/{agent}/replicas/${encodeURIComponent(ref ?? '')}` },
  'replica-sync': { method: 'POST', path: (ref) => `/api/agents/{agent}/replicas/${encodeURIComponent(ref ?? '')}/sync-status` },
};

export const isReportKind = (kind: string): kind is AgentReportKind => Object.prototype.hasOwnProperty.call(REPORT_ROUTES, kind);

/** A stored report as the sender hands it over (the journal keeps JSON; the kind says its DTO). */
export interface StoredReport {
  kind: string;
  key: string;
  /** The command or replica id the route names. */
  ref?: string;
  method: 'POST' | 'PUT';
  path: string;
  body: object;
}

/**
 * The agent's side of the API, typed by the shared wire contracts: every agent → control-plane
 * call goes through this class (registration, heartbeat, configuration, command claims, the
 * reports of the on-disk queue, and the unauthenticated /health probe).
 */
export class ControlPlaneClient {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly timeoutMs = 10_000,
  ) {}

  register(clientToken: string, body: RegisterAgentRequestDto): Promise<RegisterAgentResponseDto> {
    return this.call('POST', '/api/agents/register', clientToken, body);
  }

  heartbeat(agentId: string, agentToken: string, body: HeartbeatRequestDto): Promise<HeartbeatResponseDto> {
    return this.call('POST', `/api/agents/${encodeURIComponent(agentId)}/heartbeat`, agentToken, body);
  }

  getConfig(agentId: string, agentToken: string): Promise<AgentConfigDto> {
    return this.call('GET', `/api/agents/${encodeURIComponent(agentId)}/config`, agentToken);
  }

  /** Claims the agent's next commands (they are executing from now on). */
  pendingCommands(agentId: string, agentToken: string): Promise<PendingCommandsResponseDto> {
    return this.call('GET', `/api/agents/${encodeURIComponent(agentId)}/pending-commands`, agentToken);
  }

  /** One report; the idempotency key travels as a header so a re-send counts once. */
  report<K extends AgentReportKind>(kind: K, agentId: string, agentToken: string, body: AgentReportBodies[K], ref?: string, idempotencyKey?: string): Promise<unknown> {
    const route = REPORT_ROUTES[kind];
    return this.call(route.method, route.path(ref).replace('{agent}', encodeURIComponent(agentId)), agentToken, body, idempotencyKey);
  }

  /**
   * A report from the on-disk queue. Known kinds take their route from REPORT_ROUTES; a journal
   * written by an older agent version is replayed on the route it stored.
   */
  deliver(report: StoredReport, agentId: string, agentToken: string): Promise<unknown> {
    if (isReportKind(report.kind) && (report.ref !== undefined || !REPORT_ROUTES[report.kind].path.length)) {
      return this.report(report.kind, agentId, agentToken, report.body as AgentReportBodies[typeof report.kind], report.ref, report.key);
    }
    return this.call(report.method, report.path.replace('{agent}', encodeURIComponent(agentId)), agentToken, report.body, report.key);
  }

  /** GET /health, no credentials: true when the API answers (used to end an outage's back-off early). */
  async health(): Promise<boolean> {
    try {
      const response = await this.fetchImpl(`${this.baseUrl}/health`, { signal: AbortSignal.timeout(Math.min(this.timeoutMs, 5000)) });
      await response.text().catch(() => undefined);
      return response.status < 500;
    } catch {
      return false;
    }
  }

  private async call<T>(method: HttpMethod, path: string, token: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchImpl(this.baseUrl + path, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ControlPlaneError(0, 'UNREACHABLE', `control plane unreachable at ${this.baseUrl}: ${describeNetworkError(error, this.timeoutMs)}`);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new ControlPlaneError(0, 'UNREACHABLE', `control plane connection lost: ${error instanceof Error ? error.message : String(error)}`);
    }
    let payload: unknown;
    try {
      payload = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      throw new ControlPlaneError(response.status >= 500 || response.ok ? 502 : response.status, 'BAD_RESPONSE', `control plane answered ${response.status} with a body that is not JSON`);
    }
    if (!response.ok) {
      const error = payload as Partial<ErrorResponseDto> | undefined;
      throw new ControlPlaneError(response.status, error?.details?.code, error?.message ?? `HTTP ${response.status}`);
    }
    return payload as T;
  }
}
