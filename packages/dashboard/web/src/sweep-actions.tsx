import { useState } from 'preact/hooks';
import type { SweepStatus } from '@seedsweep/api-contract';
import { useSession } from './session.js';

/**
 * Cancel (asked twice) and retry-failed, for a read-write key only; the API refuses a
 * read-only key's DELETE and POST anyway.
 */
export function SweepActions({
  status,
  onChanged,
}: {
  status: SweepStatus;
  onChanged: (status: SweepStatus) => void;
}) {
  const { api, canWrite } = useSession();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  if (!canWrite) return null;
  const live = status.state === 'queued' || status.state === 'running';

  const act = async (what: 'cancel' | 'retry') => {
    setBusy(true);
    setMessage(null);
    try {
      const answer = await api.json<SweepStatus & Record<string, unknown>>(
        what === 'cancel' ? `/v1/sweeps/${status.id}` : `/v1/sweeps/${status.id}/retry`,
        { method: what === 'cancel' ? 'DELETE' : 'POST' },
      );
      onChanged(answer);
      setMessage({
        error: false,
        text:
          what === 'cancel'
            ? 'Cancelled: waiting trials removed, running ones stopped.'
            : `Retrying ${(answer.retry as { retried: number }).retried} failed trials.`,
      });
    } catch (error) {
      setMessage({ error: true, text: (error as Error).message });
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <div class="actions">
      {live && !confirming && (
        <button type="button" class="danger" disabled={busy} onClick={() => setConfirming(true)}>
          Cancel sweep
        </button>
      )}
      {live && confirming && (
        <>
          <span>Stop this sweep's waiting and running trials?</span>
          <button type="button" class="danger" disabled={busy} onClick={() => void act('cancel')}>
            Yes, cancel it
          </button>
          <button type="button" class="secondary" onClick={() => setConfirming(false)}>
            Keep it running
          </button>
        </>
      )}
      {status.counts.failed > 0 && status.state !== 'cancelled' && (
        <button type="button" disabled={busy} onClick={() => void act('retry')}>
          Retry {status.counts.failed} failed
        </button>
      )}
      {message && (
        <span role={message.error ? 'alert' : 'status'} class={message.error ? 'error' : 'muted'}>
          {message.text}
        </span>
      )}
    </div>
  );
}
