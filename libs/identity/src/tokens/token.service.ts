import { createHmac, createSecretKey, KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Clock, DomainError, IdGenerator } from '@spot/core';
import { AgentEntity, UserEntity, UserRole } from '@spot/persistence';
import { RevokedTokenRepository } from './revoked-token.repository';

export const TOKEN_ISSUER = 'spot-optimizer';
export const USER_AUDIENCE = 'spot-user';
export const AGENT_AUDIENCE = 'spot-agent';

export interface UserTokenClaims {
  sub: string;
  typ: 'user';
  role: UserRole;
  cid: string | null;
  jti: string;
  iat: number;
  exp: number;
}

export interface AgentTokenClaims {
  sub: string;
  typ: 'agent';
  cid: string;
  tv: number;
}

export interface IssuedUserToken {
  token: string;
  tokenId: string;
  expiresAt: Date;
  ttlSeconds: number;
}

export interface TokenSettings {
  jwtSecret: string;
  jwtTtlSeconds: number;
}

const unauthenticated = (message = 'Missing or invalid credentials') => DomainError.unauthenticated('INVALID_TOKEN', message);

/**
 * Issues and checks the two signed credentials: user JWTs (24 h, revocable by `jti`) and agent
 * tokens (bound to one agent, revoked by bumping the agent's token version). Agent tokens are
 * signed with a key derived from JWT_SECRET and carry another audience, so neither kind can
 * pass for the other. Expiry is judged by the injected clock.
 */
export class TokenService {
  /**
   * A KeyObject rather than a string: given a string, jsonwebtoken first tries it as a public key
   * and throws, on every verification of the agents' hot path (pricing reports, heartbeats).
   */
  private readonly agentKey: KeyObject;

  constructor(
    private readonly settings: TokenSettings,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly revoked: RevokedTokenRepository,
  ) {
    this.agentKey = createSecretKey(Buffer.from(createHmac('sha256', settings.jwtSecret).update('spot-agent-token-v1').digest('hex')));
  }

  /** What passport-jwt needs to check a user JWT's signature (expiry is checked here, by the clock). */
  get userTokenVerification(): { secret: string; issuer: string; audience: string; algorithms: ['HS256'] } {
    return { secret: this.settings.jwtSecret, issuer: TOKEN_ISSUER, audience: USER_AUDIENCE, algorithms: ['HS256'] };
  }

  issueUserToken(user: Pick<UserEntity, 'id' | 'role' | 'clientId'>): IssuedUserToken {
    const iat = Math.floor(this.clock.nowMs() / 1000);
    const exp = iat + this.settings.jwtTtlSeconds;
    const tokenId = this.ids.uuid();
    const claims: UserTokenClaims = { sub: user.id, typ: 'user', role: user.role, cid: user.clientId, jti: tokenId, iat, exp };
    const token = jwt.sign(claims, this.settings.jwtSecret, { algorithm: 'HS256', issuer: TOKEN_ISSUER, audience: USER_AUDIENCE });
    return { token, tokenId, expiresAt: new Date(exp * 1000), ttlSeconds: this.settings.jwtTtlSeconds };
  }

  /** Signature, issuer and audience of a raw user JWT (for callers outside passport). */
  decodeUserToken(token: string): unknown {
    try {
      return jwt.verify(token, this.settings.jwtSecret, {
        algorithms: ['HS256'],
        issuer: TOKEN_ISSUER,
        audience: USER_AUDIENCE,
        ignoreExpiration: true,
      });
    } catch {
      throw unauthenticated();
    }
  }

  /** Checks the claims of a JWT whose signature is already verified: shape, expiry, deny-list. */
  async checkUserClaims(payload: unknown): Promise<UserTokenClaims> {
    const claims = payload as Partial<UserTokenClaims> | null;
    if (
      !claims ||
      claims.typ !== 'user' ||
      typeof claims.sub !== 'string' ||
      typeof claims.jti !== 'string' ||
      typeof claims.exp !== 'number' ||
      (claims.role !== 'client_user' && claims.role !== 'super_admin')
    ) {
      throw unauthenticated();
    }
    if (claims.exp * 1000 <= this.clock.nowMs()) throw DomainError.unauthenticated('TOKEN_EXPIRED', 'Token has expired; sign in again');
    if (await this.revoked.isRevoked(claims.jti)) throw DomainError.unauthenticated('TOKEN_REVOKED', 'Token was revoked by logout; sign in again');
    return claims as UserTokenClaims;
  }

  /** Refuses the token from now until it would have expired anyway. Idempotent. */
  async revokeUserToken(tokenId: string, userId: string, expiresAt: Date): Promise<void> {
    await this.revoked.revoke({ jti: tokenId, userId, expiresAt, revokedAt: this.clock.now() });
  }

  /** Deny-list entries of expired tokens serve no purpose. */
  purgeExpiredRevocations(): Promise<number> {
    return this.revoked.deleteExpiredBefore(this.clock.now());
  }

  issueAgentToken(agent: Pick<AgentEntity, 'id' | 'clientId' | 'tokenVersion'>): string {
    const claims: AgentTokenClaims = { sub: agent.id, typ: 'agent', cid: agent.clientId, tv: agent.tokenVersion };
    return jwt.sign(claims, this.agentKey, { algorithm: 'HS256', issuer: TOKEN_ISSUER, audience: AGENT_AUDIENCE, noTimestamp: true });
  }

  /** Whether the token claims to be an agent token (unverified: only to pick how to verify it). */
  looksLikeAgentToken(token: string): boolean {
    const decoded = jwt.decode(token);
    return typeof decoded === 'object' && decoded !== null && (decoded as { typ?: unknown }).typ === 'agent';
  }

  verifyAgentToken(token: string): AgentTokenClaims {
    let payload: unknown;
    try {
      payload = jwt.verify(token, this.agentKey, { algorithms: ['HS256'], issuer: TOKEN_ISSUER, audience: AGENT_AUDIENCE });
    } catch {
      throw unauthenticated('Missing or invalid agent token');
    }
    const claims = payload as Partial<AgentTokenClaims>;
    if (claims.typ !== 'agent' || typeof claims.sub !== 'string' || typeof claims.cid !== 'string' || typeof claims.tv !== 'number') {
      throw unauthenticated('Missing or invalid agent token');
    }
    return claims as AgentTokenClaims;
  }
}
