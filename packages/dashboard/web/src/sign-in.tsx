import { useState } from 'preact/hooks';

/** The key form. The key stays in this tab (sessionStorage) and goes out only as a header. */
export function SignIn({
  error,
  onSubmit,
}: {
  error: string | null;
  onSubmit: (key: string) => Promise<void>;
}) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="sign-in"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        try {
          await onSubmit(key.trim());
        } finally {
          setBusy(false);
        }
      }}
    >
      <h1>Sign in</h1>
      <p>This API needs a key. It is kept for this tab only and sent as a header.</p>
      <label for="api-key">API key</label>
      <input
        id="api-key"
        name="api-key"
        type="password"
        autocomplete="off"
        required
        minLength={1}
        value={key}
        onInput={(event) => setKey(event.currentTarget.value)}
      />
      <button type="submit" disabled={busy || key.trim() === ''}>
        {busy ? 'Checking…' : 'Sign in'}
      </button>
      {error && (
        <p role="alert" class="error" data-testid="sign-in-error">
          {error}
        </p>
      )}
    </form>
  );
}
