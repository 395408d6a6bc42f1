import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { DomainError } from '@spot/core';
import { AgentRegistry, canAccessClient, ClientService, isSuperAdmin, looksLikeClientToken } from '@spot/identity';
import { AuthenticatedRequest, bearerToken, principalOf } from './principal.decorator';

const missingCredentials = () => DomainError.unauthenticated('INVALID_TOKEN', 'Missing or invalid credentials');

/** A signed-in person (user JWT). */
@Injectable()
export class UserAuthGuard extends AuthGuard('user-jwt') {
  override handleRequest<T>(error: unknown, user: T): T {
    if (error) throw error;
    if (!user) throw missingCredentials();
    return user;
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    await super.canActivate(context);
    const request = context.switchToHttp().getRequest<AuthenticatedRequest & { user?: unknown }>();
    request.principal = request.user as AuthenticatedRequest['principal'];
    return true;
  }
}

/** A signed-in super-admin. */
@Injectable()
export class SuperAdminGuard extends UserAuthGuard {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    await super.canActivate(context);
    if (!isSuperAdmin(principalOf(context.switchToHttp().getRequest<AuthenticatedRequest>()))) {
      throw DomainError.forbidden('SUPER_ADMIN_REQUIRED', 'This action is reserved to super-admins');
    }
    return true;
  }
}

/** The client token, as sent by agents registering and by integrations. */
@Injectable()
export class ClientTokenGuard implements CanActivate {
  constructor(private readonly clients: ClientService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request);
    if (!token) throw DomainError.unauthenticated('INVALID_CLIENT_TOKEN', 'Missing or invalid client token');
    const client = await this.clients.authenticateClientToken(token);
    request.principal = { kind: 'client', clientId: client.id };
    return true;
  }
}

/**
 * A client's own people or integrations: its users (JWT), its client token, or a super-admin.
 * Routes behind it check that what they touch belongs to the caller's client.
 */
@Injectable()
export class ClientPrincipalGuard extends UserAuthGuard {
  constructor(private readonly clients: ClientService) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request);
    if (token && looksLikeClientToken(token)) {
      const client = await this.clients.authenticateClientToken(token);
      request.principal = { kind: 'client', clientId: client.id };
    } else {
      await super.canActivate(context);
    }
    return true;
  }
}

/**
 * Routes under /api/client/:id: the client's own users, its client token, or a super-admin.
 * Anyone else is told the client does not exist.
 */
@Injectable()
export class ClientScopeGuard extends ClientPrincipalGuard {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    await super.canActivate(context);
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const clientId = String(request.params.id);
    if (!canAccessClient(principalOf(request), clientId)) throw DomainError.notFound('client', clientId);
    return true;
  }
}

/**
 * Routes under /api/client/instances/:id (the instance record's id): the instance's client's
 * users, its client token, or a super-admin; anyone else is told the instance does not exist.
 * Checked before the body is validated, so a stranger learns nothing from a 400 either.
 */
@Injectable()
export class InstanceScopeGuard extends ClientPrincipalGuard {
  constructor(
    clients: ClientService,
    private readonly registry: AgentRegistry,
  ) {
    super(clients);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    await super.canActivate(context);
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const id = String(request.params.id);
    const instance = await this.registry.findInstanceRecord(id);
    if (!instance || !canAccessClient(principalOf(request), instance.clientId)) throw DomainError.notFound('instance', id);
    return true;
  }
}

/** Routes under /api/agents/:id: that agent's own token only. */
@Injectable()
export class AgentAuthGuard implements CanActivate {
  constructor(private readonly agents: AgentRegistry) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request);
    if (!token) throw DomainError.unauthenticated('INVALID_TOKEN', 'Missing or invalid agent token');
    const { principal, agent } = await this.agents.authenticateAgent(token, String(request.params.id));
    request.principal = principal;
    request.authenticatedAgent = agent;
    return true;
  }
}

/** The agent of `:id` must belong to a client the caller may access; otherwise it "does not exist". */
async function requireAgentOwner(agents: AgentRegistry, context: ExecutionContext): Promise<true> {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  const agentId = String(request.params.id);
  const owner = await agents.findAgent(agentId);
  if (!owner || !canAccessClient(principalOf(request), owner.clientId)) throw DomainError.notFound('agent', agentId);
  return true;
}

/**
 * Routes about one agent that its people may also call (replicas: the portal creates and
 * promotes them, the replica's agent reports sync progress): the agent's own token, a user or
 * the client token of the agent's client, or a super-admin. Anyone else is told the agent does
 * not exist.
 */
@Injectable()
export class AgentOrOwnerGuard extends ClientPrincipalGuard {
  constructor(
    clients: ClientService,
    private readonly agents: AgentRegistry,
  ) {
    super(clients);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request);
    if (!token) throw missingCredentials();
    if (this.agents.isAgentToken(token)) {
      request.principal = await this.agents.authenticate(token, String(request.params.id));
      return true;
    }
    await super.canActivate(context);
    return requireAgentOwner(this.agents, context);
  }
}

/** /api/client/agents/:id/…: the agent's client (its users or client token) or a super-admin. */
@Injectable()
export class AgentOwnerGuard extends ClientPrincipalGuard {
  constructor(
    clients: ClientService,
    private readonly agents: AgentRegistry,
  ) {
    super(clients);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    await super.canActivate(context);
    return requireAgentOwner(this.agents, context);
  }
}


/**
 * The agent's client's users (or a super-admin), not its client token: for settings that run
 * commands on the client's instances (continuity hooks). The client token sits on every managed
 * instance (its agent's env file and user data), so it must not be able to install a command
 * that runs on all of them. Another client's credentials still answer 404 first.
 */
@Injectable()
export class AgentOwnerUserGuard extends AgentOwnerGuard {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    await super.canActivate(context);
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (request.principal?.kind === 'client') throw DomainError.forbidden('USER_REQUIRED', 'Continuity settings (hooks run commands on your instances) are changed by a signed-in user, not with the client token');
    return true;
  }
}
