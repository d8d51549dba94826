import type { ProgressEvent, RunningTrial } from '@seedsweep/api-contract';

/** Trials training now, each with its epoch: from the status, moved on by `progress` events. */
export function RunningTrials({
  running,
  progress,
}: {
  running: readonly RunningTrial[];
  progress: ReadonlyMap<string, ProgressEvent>;
}) {
  return (
    <section aria-labelledby="running-title">
      <h2 id="running-title">Running ({running.length})</h2>
      {running.length === 0 ? (
        <p class="muted">No trial of this sweep is training now.</p>
      ) : (
        <ul class="running" data-testid="running">
          {running.map((trial) => {
            const live = progress.get(trial.key);
            const epoch = live?.epoch ?? trial.epoch;
            const epochs = live?.epochs ?? trial.epochs;
            return (
              <li key={trial.key}>
                <span>{trial.label}</span>
                {epoch !== null && epochs !== null ? (
                  <span class="progress">
                    <progress
                      max={epochs}
                      value={epoch}
                      aria-label={`epoch ${epoch} of ${epochs}`}
                    />
                    <span class="num">
                      epoch {epoch}/{epochs}
                    </span>
                  </span>
                ) : (
                  <span class="muted">starting</span>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
