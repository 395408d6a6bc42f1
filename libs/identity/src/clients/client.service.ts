import { EntityManager } from 'typeorm';
import { Clock, DomainError, IdGenerator, Page, PageRequest } from '@spot/core';
import { ClientEntity, SystemEventLog, TransactionRunner } from '@spot/persistence';
import { AgentRepository } from '../agents/agent.repository';
import { InstanceRepository } from '../agents/instance.repository';
import { clientTokenHash, looksLikeClientToken, mintClientToken } from '../tokens/client-token';
import { ClientRepository, ClientWithAgentCount } from './client.repository';

export interface NewClient {
  name: string;
  email?: string | null;
  plan?: string;
  maxAgents?: number;
  maxInstances?: number;
}

export interface ClientWithToken {
  client: ClientEntity;
  /** Shown to the caller once; only its hash is stored. */
  clientToken: string;
}

export interface ClientSummary {
  client: ClientEntity;
  agents: number;
  agentsOnline: number;
  instancesActive: number;
  instancesInactive: number;
}

export const CLIENT_DEFAULTS = { plan: 'free', maxAgents: 5, maxInstances: 10 } as const;

export class ClientService {
  constructor(
    private readonly clients: ClientRepository,
    private readonly agents: AgentRepository,
    private readonly instances: InstanceRepository,
    private readonly tx: TransactionRunner,
    private readonly events: SystemEventLog,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /** Builds a client row and its token; the caller inserts it (alone or with a user, atomically). */
  newClient(input: NewClient): ClientWithToken {
    const now = this.clock.now();
    const token = mintClientToken(this.ids);
    const client: ClientEntity = {
      id: this.ids.uuid(),
      name: input.name,
      email: input.email ?? null,
      clientTokenHash: token.hash,
      clientTokenHint: token.hint,
      plan: input.plan ?? CLIENT_DEFAULTS.plan,
      maxAgents: input.maxAgents ?? CLIENT_DEFAULTS.maxAgents,
      maxInstances: input.maxInstances ?? CLIENT_DEFAULTS.maxInstances,
      isActive: true,
      totalSavings: 0,
      createdAt: now,
      updatedAt: now,
    };
    return { client, clientToken: token.token };
  }

  async createClient(input: NewClient, createdBy: string): Promise<ClientWithToken> {
    const created = this.newClient(input);
    await this.tx.run(async (manager) => {
      if (input.email && (await this.clients.existsByEmail(input.email, manager))) {
        throw DomainError.conflict('CLIENT_EMAIL_TAKEN', `A client with e-mail ${input.email} already exists`, { field: 'email' });
      }
      await this.clients.insert(created.client, manager);
      await this.events.record(
        {
          eventType: 'client.created',
          component: 'CORE-IDENTITY',
          clientId: created.client.id,
          message: `Client "${created.client.name}" created by ${createdBy}`,
          metadata: { plan: created.client.plan, max_agents: created.client.maxAgents, max_instances: created.client.maxInstances },
        },
        manager,
      );
    });
    return created;
  }

  listClients(page: PageRequest): Promise<Page<ClientWithAgentCount>> {
    return this.clients.pageWithAgentCounts(page);
  }

  async getClient(id: string): Promise<ClientEntity> {
    const client = await this.clients.findById(id);
    if (!client) throw DomainError.notFound('client', id);
    return client;
  }

  async getSummary(id: string): Promise<ClientSummary> {
    const client = await this.getClient(id);
    const [agents, instances] = await Promise.all([this.agents.countsForClient(id), this.instances.countsForClient(id)]);
    return {
      client,
      agents: agents.total,
      agentsOnline: agents.online,
      instancesActive: instances.active,
      instancesInactive: instances.inactive,
    };
  }

  /**
   * Stores the client's lifetime savings as recomputed by the calculations lib (a recomputation,
   * not an increment, so repeating it is harmless). Runs in the caller's transaction when given one.
   */
  async setTotalSavings(clientId: string, totalSavings: number, at: Date, manager?: EntityManager): Promise<void> {
    await this.clients.updateTotalSavings(clientId, totalSavings, at, manager);
  }

  /** Ids of the active clients, for jobs that visit every client. */
  listActiveClientIds(): Promise<string[]> {
    return this.clients.activeIds();
  }

  /** The client behind a client token; refuses unknown tokens and deactivated clients alike. */
  async authenticateClientToken(token: string): Promise<ClientEntity> {
    const client = looksLikeClientToken(token) ? await this.clients.findByTokenHash(clientTokenHash(token)) : null;
    if (!client || !client.isActive) throw DomainError.unauthenticated('INVALID_CLIENT_TOKEN', 'Missing or invalid client token');
    return client;
  }

  /** Issues a new client token; the old one stops working immediately. */
  async rotateClientToken(clientId: string, rotatedBy: string): Promise<{ clientToken: string; hint: string }> {
    await this.getClient(clientId);
    const token = mintClientToken(this.ids);
    await this.clients.replaceToken(clientId, token.hash, token.hint, this.clock.now());
    await this.events.record({
      eventType: 'client.token_rotated',
      component: 'CORE-IDENTITY',
      clientId,
      severity: 'warning',
      message: `Client token rotated by ${rotatedBy}`,
    });
    return { clientToken: token.token, hint: token.hint };
  }
}
