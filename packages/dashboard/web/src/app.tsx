import { useCallback, useEffect, useState } from 'preact/hooks';
import type { SessionResponse } from '@seedsweep/api-contract';
import { ApiClient } from './api-client.js';
import { ApiProblem } from './api-problem.js';
import { useHashRoute } from './hash-route.js';
import { SessionContext, type Session } from './session.js';
import { sessionKey } from './session-key.js';
import { SignIn } from './sign-in.js';
import { SubmitPage } from './submit-page.js';
import { SweepList } from './sweep-list.js';
import { SweepPage } from './sweep-page.js';

type Gate =
  | { kind: 'checking' }
  | { kind: 'signed-in'; session: Session }
  | { kind: 'sign-in'; error: string | null }
  | { kind: 'unreachable'; error: string };

/** Asks the API who the key is; a 401 means sign in (again). */
async function open(key: string | null): Promise<Gate> {
  const api = new ApiClient(key);
  try {
    const who = await api.json<SessionResponse>('/v1/session');
    return {
      kind: 'signed-in',
      session: { api, auth: who.auth, canWrite: who.role === 'write' },
    };
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 401) {
      return {
        kind: 'sign-in',
        error: error.code === 'API_KEY_INVALID' ? `That key was refused: ${error.message}.` : null,
      };
    }
    return { kind: 'unreachable', error: (error as Error).message };
  }
}

export function App() {
  const [gate, setGate] = useState<Gate>({ kind: 'checking' });
  const route = useHashRoute();

  useEffect(() => {
    void open(sessionKey.get()).then((next) => {
      if (next.kind === 'sign-in') sessionKey.clear();
      setGate(next);
    });
  }, []);

  const signIn = useCallback(async (key: string) => {
    const next = await open(key);
    if (next.kind === 'signed-in') sessionKey.set(key);
    setGate(next);
  }, []);

  const signOut = useCallback(() => {
    sessionKey.clear();
    setGate({ kind: 'sign-in', error: null });
  }, []);

  // A key revoked while the page is open: the next refusal sends the tab back to sign-in.
  const onUnauthorized = useCallback(() => {
    sessionKey.clear();
    setGate({ kind: 'sign-in', error: 'The API no longer accepts this key; sign in again.' });
  }, []);

  return (
    <>
      <header class="top">
        <a class="brand" href="#/">
          seedsweep
        </a>
        {gate.kind === 'signed-in' && (
          <nav aria-label="Pages">
            <a href="#/" aria-current={route.page === 'sweeps' ? 'page' : undefined}>
              Sweeps
            </a>
            {gate.session.canWrite && (
              <a href="#/submit" aria-current={route.page === 'submit' ? 'page' : undefined}>
                Submit
              </a>
            )}
            {gate.session.auth === 'on' && (
              <span class="who">
                {gate.session.canWrite ? 'read-write key' : 'read-only key'}
                <button type="button" class="link" onClick={signOut}>
                  Sign out
                </button>
              </span>
            )}
          </nav>
        )}
      </header>
      <main>
        {gate.kind === 'checking' && <p>Connecting to the API…</p>}
        {gate.kind === 'unreachable' && (
          <p role="alert" class="error">
            The API did not answer: {gate.error}
          </p>
        )}
        {gate.kind === 'sign-in' && <SignIn error={gate.error} onSubmit={signIn} />}
        {gate.kind === 'signed-in' && (
          <SessionContext.Provider value={gate.session}>
            <Page route={route} onUnauthorized={onUnauthorized} />
          </SessionContext.Provider>
        )}
      </main>
    </>
  );
}

function Page({
  route,
  onUnauthorized,
}: {
  route: ReturnType<typeof useHashRoute>;
  onUnauthorized: () => void;
}) {
  switch (route.page) {
    case 'sweep':
      return <SweepPage key={route.id} id={route.id} onUnauthorized={onUnauthorized} />;
    case 'submit':
      return <SubmitPage />;
    default:
      return <SweepList onUnauthorized={onUnauthorized} />;
  }
}
