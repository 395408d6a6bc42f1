import { UserRole } from '@spot/persistence';

/** Who is calling, as established by one of the three credentials the product accepts. */
export type Principal = UserPrincipal | ClientPrincipal | AgentPrincipal;

/** A person, by JWT. */
export interface UserPrincipal {
  kind: 'user';
  userId: string;
  email: string;
  role: UserRole;
  /** Null for super-admins. */
  clientId: string | null;
  tokenId: string;
  tokenExpiresAt: Date;
}

/** An integration or installer, by the client token. */
export interface ClientPrincipal {
  kind: 'client';
  clientId: string;
}

/** One agent, by its agent token. */
export interface AgentPrincipal {
  kind: 'agent';
  agentId: string;
  clientId: string;
}

export function isSuperAdmin(principal: Principal): boolean {
  return principal.kind === 'user' && principal.role === 'super_admin';
}

/** Tenancy rule for client-scoped reads: your own client, or any client for super-admins. */
export function canAccessClient(principal: Principal, clientId: string): boolean {
  if (isSuperAdmin(principal)) return true;
  if (principal.kind === 'user' || principal.kind === 'client') return principal.clientId === clientId;
  return false;
}
