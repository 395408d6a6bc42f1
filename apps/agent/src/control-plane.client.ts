import type {
  AgentConfigDto,
  ErrorResponseDto,
  HeartbeatRequestDto,
  HeartbeatResponseDto,
  PendingCommandsResponseDto,
  RegisterAgentRequestDto,
  RegisterAgentResponseDto,
} from '@spot/contracts';

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

/** The agent's side of the API, typed by the shared wire contracts. */
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

  /** Any agent route (the report queue replays stored calls); the idempotency key travels as a header. */
  send<T = unknown>(method: HttpMethod, path: string, token: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    return this.call(method, path, token, body, idempotencyKey);
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
      throw new ControlPlaneError(0, 'UNREACHABLE', `control plane unreachable: ${error instanceof Error ? error.message : String(error)}`);
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
