import type { SweepList as SweepListResponse } from '@seedsweep/api-contract';
import { formatAhead, formatShare, isLive } from './fair-share.js';
import { formatDuration, formatTime } from './format.js';
import { ProgressBar } from './progress-bar.js';
import { useSession } from './session.js';
import { usePolling } from './use-polling.js';

const POLL_MS = 2_000;

/** Every sweep, newest first, reloaded every 2 s. */
export function SweepList({ onUnauthorized }: { onUnauthorized: () => void }) {
  const { api } = useSession();
  const { data, error } = usePolling(
    () => api.json<SweepListResponse>('/v1/sweeps?limit=100'),
    POLL_MS,
    onUnauthorized,
  );
  return (
    <section>
      <h1>Sweeps</h1>
      {error && (
        <p role="alert" class="error">
          {error.message}
        </p>
      )}
      {data === null && !error && <p>Loading…</p>}
      {data !== null && data.sweeps.length === 0 && <p>No sweeps yet.</p>}
      {data !== null && data.sweeps.length > 0 && (
        <div class="scroll">
          <table class="sweeps" data-testid="sweep-list">
            <caption class="visually-hidden">
              {data.total} sweeps, newest first
              {data.total > data.sweeps.length ? ` (the newest ${data.sweeps.length})` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">State</th>
                <th scope="col">Progress</th>
                <th scope="col" class="num">
                  Done
                </th>
                <th scope="col" class="num">
                  Failed
                </th>
                <th scope="col" class="num">
                  Derived
                </th>
                <th scope="col" class="num">
                  Trials
                </th>
                <th scope="col" title="its running trials of all running trials">
                  Workers
                </th>
                <th scope="col" title="queued jobs of other sweeps before its next trial">
                  Queue
                </th>
                <th scope="col">Priority</th>
                <th scope="col">ETA</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {data.sweeps.map((sweep) => (
                <tr key={sweep.id} data-sweep={sweep.id}>
                  <th scope="row">
                    <a href={`#/sweeps/${sweep.id}`}>{sweep.name}</a>
                    <div class="muted mono">{sweep.id}</div>
                  </th>
                  <td>
                    <span class={`state state-${sweep.state}`}>{sweep.state}</span>
                  </td>
                  <td>
                    <ProgressBar counts={sweep.counts} total={sweep.trials} />
                  </td>
                  <td class="num">{sweep.counts.done}</td>
                  <td class="num">{sweep.counts.failed}</td>
                  <td class="num" data-col="derived">
                    {sweep.derived}
                  </td>
                  <td class="num">{sweep.trials}</td>
                  <td data-col="share">
                    {isLive(sweep.state) ? formatShare(sweep.fairShare) : '–'}
                  </td>
                  <td data-col="ahead">
                    {isLive(sweep.state) ? formatAhead(sweep.fairShare.ahead) : '–'}
                  </td>
                  <td data-col="priority">{sweep.fairShare.priority}</td>
                  <td>{isLive(sweep.state) ? formatDuration(sweep.etaSeconds) : '–'}</td>
                  <td>{formatTime(sweep.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
