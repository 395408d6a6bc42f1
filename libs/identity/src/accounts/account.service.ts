import { Clock, DomainError, IdGenerator } from '@spot/core';
import { ClientEntity, SystemEventLog, TransactionRunner, UserEntity, isUniqueViolation } from '@spot/persistence';
import { ClientRepository } from '../clients/client.repository';
import { ClientService } from '../clients/client.service';
import { UserPrincipal } from '../principal';
import { IssuedUserToken, TokenService } from '../tokens/token.service';
import { PasswordHasher } from './password-hasher';
import { SignInThrottle } from './sign-in-throttle';
import { UserRepository } from './user.repository';

export interface SignupResult {
  user: UserEntity;
  client: ClientEntity;
  clientToken: string;
  token: IssuedUserToken;
}

export interface LoginResult {
  user: UserEntity;
  token: IssuedUserToken;
}

export interface UserProfile {
  user: UserEntity;
  client: ClientEntity | null;
  homePath: string;
}

const emailTaken = (email: string) => DomainError.conflict('EMAIL_TAKEN', `An account with e-mail ${email} already exists`, { field: 'email' });

/** People: sign-up, sign-in, sign-out, and the platform's super-admins. */
export class AccountService {
  constructor(
    private readonly users: UserRepository,
    private readonly clients: ClientRepository,
    private readonly clientService: ClientService,
    private readonly tokens: TokenService,
    private readonly hasher: PasswordHasher,
    private readonly tx: TransactionRunner,
    private readonly events: SystemEventLog,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly throttle: SignInThrottle,
  ) {}

  /** Creates the organisation and its first user together, or neither. */
  async signup(input: { orgName: string; email: string; password: string }): Promise<SignupResult> {
    const passwordHash = await this.hasher.hash(input.password);
    const { client, clientToken } = this.clientService.newClient({ name: input.orgName, email: input.email });
    const now = this.clock.now();
    const user: UserEntity = {
      id: this.ids.uuid(),
      clientId: client.id,
      email: input.email,
      passwordHash,
      role: 'client_user',
      isActive: true,
      lastLoginAt: now,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.tx.run(async (manager) => {
        if ((await this.users.existsByEmail(input.email, manager)) || (await this.clients.existsByEmail(input.email, manager))) {
          throw emailTaken(input.email);
        }
        await this.clients.insert(client, manager);
        await this.users.insert(user, manager);
        await this.events.record(
          { eventType: 'client.signed_up', component: 'CORE-IDENTITY', clientId: client.id, message: `${input.email} signed up "${client.name}"` },
          manager,
        );
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken(input.email); // lost a race with a concurrent sign-up
      throw error;
    }
    return { user, client, clientToken, token: this.tokens.issueUserToken(user) };
  }

  /** Checks the password only within the account's allowance (SignInThrottle: backoff, then lockout). */
  async login(email: string, password: string): Promise<LoginResult> {
    await this.throttle.admit(email);
    const user = await this.users.findByEmail(email);
    const valid = user ? await this.hasher.verify(password, user.passwordHash) : await this.hasher.verifyAgainstNothing(password);
    if (!user || !valid) await this.throttle.failed(email, user);
    if (!user || !valid || !user.isActive) {
      throw DomainError.unauthenticated('INVALID_CREDENTIALS', 'E-mail or password is wrong');
    }
    if (user.clientId) {
      const client = await this.clients.findById(user.clientId);
      if (!client?.isActive) throw DomainError.forbidden('CLIENT_DISABLED', 'This organisation is deactivated');
    }
    await this.users.recordLogin(user.id, this.clock.now());
    await this.throttle.succeeded(email);
    return { user, token: this.tokens.issueUserToken(user) };
  }

  /** Turns verified JWT claims into a principal, refusing expired, revoked or orphaned tokens. */
  async authenticate(claimsPayload: unknown): Promise<UserPrincipal> {
    const claims = await this.tokens.checkUserClaims(claimsPayload);
    const user = await this.users.findById(claims.sub);
    if (!user || !user.isActive) throw DomainError.unauthenticated('INVALID_TOKEN', 'Missing or invalid credentials');
    return {
      kind: 'user',
      userId: user.id,
      email: user.email,
      role: user.role,
      clientId: user.clientId,
      tokenId: claims.jti,
      tokenExpiresAt: new Date(claims.exp * 1000),
    };
  }

  /** For callers holding a raw JWT rather than passport's verified payload. */
  authenticateToken(token: string): Promise<UserPrincipal> {
    return this.authenticate(this.tokens.decodeUserToken(token));
  }

  async logout(principal: UserPrincipal): Promise<void> {
    await this.tokens.revokeUserToken(principal.tokenId, principal.userId, principal.tokenExpiresAt);
  }

  async profile(principal: UserPrincipal): Promise<UserProfile> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw DomainError.notFound('user', principal.userId);
    const client = user.clientId ? await this.clients.findById(user.clientId) : null;
    return { user, client, homePath: user.role === 'super_admin' ? '/admin' : '/dashboard' };
  }

  /**
   * Makes sure a super-admin with this e-mail exists. Start-up uses it without `resetPassword`
   * (never touching an existing account); the CLI uses it with, to recover access.
   */
  async ensureSuperAdmin(email: string, password: string, options: { resetPassword?: boolean } = {}): Promise<'created' | 'updated' | 'unchanged'> {
    const normalized = email.trim().toLowerCase();
    const existing = await this.users.findByEmail(normalized);
    const now = this.clock.now();
    if (existing) {
      if (existing.role !== 'super_admin' && existing.clientId) {
        throw DomainError.conflict('EMAIL_TAKEN', `${normalized} belongs to a client user; choose another e-mail for the super-admin`);
      }
      if (!options.resetPassword) return 'unchanged';
      await this.users.changePasswordAndRole(existing.id, await this.hasher.hash(password), 'super_admin', now);
      await this.events.record({ eventType: 'user.admin_reset', component: 'CORE-IDENTITY', severity: 'warning', message: `Super-admin ${normalized} password reset` });
      return 'updated';
    }
    const user: UserEntity = {
      id: this.ids.uuid(),
      clientId: null,
      email: normalized,
      passwordHash: await this.hasher.hash(password),
      role: 'super_admin',
      isActive: true,
      lastLoginAt: null,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.users.insert(user);
    } catch (error) {
      if (isUniqueViolation(error)) return 'unchanged'; // another process created it first
      throw error;
    }
    await this.events.record({ eventType: 'user.admin_created', component: 'CORE-IDENTITY', message: `Super-admin ${normalized} created` });
    return 'created';
  }
}
