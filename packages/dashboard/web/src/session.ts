import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { SessionResponse } from '@seedsweep/api-contract';
import type { ApiClient } from './api-client.js';

/** The signed-in tab: its client (with the key) and what the key may do. */
export interface Session {
  api: ApiClient;
  auth: SessionResponse['auth'];
  canWrite: boolean;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
