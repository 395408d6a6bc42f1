import jwt from 'jsonwebtoken';
import { ManualClock, SequentialIdGenerator } from '@spot/core';
import { TokenService } from '@spot/identity';

const revoked = new Set<string>();
const revokedRepo = {
  isRevoked: async (jti: string) => revoked.has(jti),
  revoke: async (entry: { jti: string }) => void revoked.add(entry.jti),
  deleteExpiredBefore: async () => 0,
};

describe('TokenService', () => {
  const clock = new ManualClock('2026-06-01T00:00:00Z');
  const tokens = new TokenService({ jwtSecret: 's'.repeat(40), jwtTtlSeconds: 3600 }, clock, new SequentialIdGenerator(), revokedRepo as never);

  it('issues user JWTs that expire by the injected clock', async () => {
    const issued = tokens.issueUserToken({ id: 'u1', role: 'client_user', clientId: 'c1' });
    expect(issued.expiresAt.toISOString()).toBe('2026-06-01T01:00:00.000Z');
    const payload = tokens.decodeUserToken(issued.token);
    await expect(tokens.checkUserClaims(payload)).resolves.toMatchObject({ sub: 'u1', cid: 'c1', role: 'client_user' });
    clock.advanceSeconds(3600);
    await expect(tokens.checkUserClaims(payload)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('keeps agent tokens and user tokens apart', () => {
    const agentToken = tokens.issueAgentToken({ id: 'a1', clientId: 'c1', tokenVersion: 1 });
    expect(tokens.verifyAgentToken(agentToken)).toEqual(expect.objectContaining({ sub: 'a1', cid: 'c1', tv: 1, typ: 'agent' }));
    expect(() => tokens.decodeUserToken(agentToken)).toThrow();
    const userToken = tokens.issueUserToken({ id: 'u1', role: 'super_admin', clientId: null }).token;
    expect(() => tokens.verifyAgentToken(userToken)).toThrow();
    // Even signed with the user key and an agent audience, it is not an agent token.
    const forged = jwt.sign({ sub: 'a1', typ: 'agent', cid: 'c1', tv: 1 }, 's'.repeat(40), { issuer: 'spot-optimizer', audience: 'spot-agent' });
    expect(() => tokens.verifyAgentToken(forged)).toThrow();
  });

  it('refuses revoked tokens', async () => {
    const issued = tokens.issueUserToken({ id: 'u2', role: 'client_user', clientId: 'c1' });
    await tokens.revokeUserToken(issued.tokenId, 'u2', issued.expiresAt);
    await expect(tokens.checkUserClaims(tokens.decodeUserToken(issued.token))).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
  });
});
