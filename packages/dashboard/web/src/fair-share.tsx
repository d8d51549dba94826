import type { FairShare, SweepState } from '@seedsweep/api-contract';

/** Queued or running: a sweep that takes turns of the workers, and has a share and a place. */
export function isLive(state: SweepState): boolean {
  return state === 'queued' || state === 'running';
}

/** Its running trials of all running: "1 of 3 (33%)"; "none running" when the workers are idle. */
export function formatShare(share: FairShare): string {
  if (share.runningAll === 0) return 'none running';
  return `${share.running} of ${share.runningAll} (${Math.round((share.share ?? 0) * 100)}%)`;
}

/** The jobs before its next trial: "next", "4 ahead", or "–" when none of its trials waits. */
export function formatAhead(ahead: number | null): string {
  if (ahead === null) return '–';
  return ahead === 0 ? 'next' : `${ahead} ahead`;
}

/**
 * A live sweep's share of the workers and its place in the queue, on its page: what someone
 * whose sweep shares the deployment with others' wants to know first.
 */
export function FairShareSummary({ share }: { share: FairShare }) {
  return (
    <p class="summary fair-share" data-testid="fair-share">
      <span>
        Workers: <strong data-testid="share">{formatShare(share)}</strong> of the running trials
      </span>
      <span>
        Queue: <strong data-testid="ahead">{formatAhead(share.ahead)}</strong>
        {share.ahead !== null && share.ahead > 0 && ' (jobs of other sweeps before its next trial)'}
        {share.ahead === null && ' (no trial waiting to be taken)'}
      </span>
      <span>
        Priority: <strong data-testid="priority">{share.priority}</strong>
      </span>
    </p>
  );
}
