'use client';
import { createContext, useContext } from 'react';
import type { Schemas } from '../api/client';

export type Me = Schemas['MeResponseDto'];

export const SessionContext = createContext<{ me: Me; unread: number; refreshUnread: () => void } | null>(null);

/** The signed-in user (the shell renders pages only once /api/auth/me answered). */
export function useSession(): { me: Me; unread: number; refreshUnread: () => void } {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside the signed-in shell');
  return value;
}

/** The signed-in user's client (organisation); loaders throw a readable error for users without one. */
export function requireClient(me: Me): string {
  if (!me.client_id) throw new Error('This account belongs to no client organisation.');
  return me.client_id;
}
