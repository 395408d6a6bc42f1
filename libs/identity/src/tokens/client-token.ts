import { IdGenerator, sha256Hex } from '@spot/core';

/** Client tokens look like `spc_<40 url-safe chars>`: the prefix tells them from JWTs at a glance. */
export const CLIENT_TOKEN_PREFIX = 'spc_';

export interface MintedClientToken {
  token: string;
  hash: string;
  hint: string;
}

export function mintClientToken(ids: IdGenerator): MintedClientToken {
  const token = CLIENT_TOKEN_PREFIX + ids.secret(30);
  return { token, hash: sha256Hex(token), hint: token.slice(-4) };
}

export function looksLikeClientToken(value: string): boolean {
  return value.startsWith(CLIENT_TOKEN_PREFIX) && value.length >= CLIENT_TOKEN_PREFIX.length + 20 && value.length <= 128;
}

export function clientTokenHash(token: string): string {
  return sha256Hex(token);
}

export function displayHint(hint: string): string {
  return `${CLIENT_TOKEN_PREFIX}…${hint}`;
}
