import { useEffect, useMemo, useState } from 'preact/hooks';
import { gainExtentPp } from '@seedsweep/figures/browser';
import type {
  GridResponse,
  ProgressEvent,
  SweepDetail,
  SweepStatus,
  TrialPage,
  TrialRow,
} from '@seedsweep/api-contract';
import { ApiProblem } from './api-problem.js';
import { CellDetails } from './cell-details.js';
import { DownloadButton } from './download-button.js';
import { FairShareSummary, isLive } from './fair-share.js';
import { followEvents } from './event-stream.js';
import { formatDuration, formatTime } from './format.js';
import { GainLegend } from './gain-legend.js';
import { Heatmap, type CellRef } from './heatmap.js';
import { ProgressBar } from './progress-bar.js';
import { RunningTrials } from './running-trials.js';
import { useSession } from './session.js';
import { SweepActions } from './sweep-actions.js';
import { throttle } from './throttle.js';
import { TrialsTable } from './trials-table.js';

const GRID_POLL_MS = 2_000;
/** Trials the table loads: a page of the API's default size (about 7 MB of JSON at most). */
const TRIALS_LIMIT = 10_000;
/** Reloads of the trials wait 3 s, and 1 ms per trial loaded: a large sweep is read less often. */
const trialsEveryMs = (loaded: number) => Math.max(3_000, loaded);
const RECONNECT_MS = 3_000;
const FINAL = new Set(['done', 'failed', 'cancelled']);

/**
 * One sweep, live: its status and running trials from the event stream, its heatmaps from the
 * grid (polled with its ETag, and reloaded as trials finish), its trials table.
 */
export function SweepPage({ id, onUnauthorized }: { id: string; onUnauthorized: () => void }) {
  const { api } = useSession();
  const [status, setStatus] = useState<SweepStatus | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [grid, setGrid] = useState<GridResponse | null>(null);
  const [gridNote, setGridNote] = useState<string | null>(null);
  const [trials, setTrials] = useState<TrialRow[] | null>(null);
  const [trialsTotal, setTrialsTotal] = useState(0);
  const [progress, setProgress] = useState<ReadonlyMap<string, ProgressEvent>>(new Map());
  const [selected, setSelected] = useState<CellRef | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    let etag: string | null = null;
    const failed = (error: unknown) => {
      if (signal.aborted) return;
      if (error instanceof ApiProblem && error.status === 401) onUnauthorized();
    };
    const grids = throttle(async () => {
      try {
        const response = await api.fetch(`/v1/sweeps/${id}/grid`, {
          signal,
          headers: etag ? { 'if-none-match': etag } : {},
        });
        if (response.status === 304) return;
        etag = response.headers.get('etag');
        setGrid((await response.json()) as GridResponse);
        setGridNote(null);
      } catch (error) {
        if (error instanceof ApiProblem && error.code === 'GRID_NOT_READY') {
          setGridNote('The aggregator has not drawn this sweep yet.');
        } else failed(error);
      }
    }, 500);
    let loaded = 0;
    const rows = throttle(
      async () => {
        try {
          const page = await api.json<TrialPage>(`/v1/sweeps/${id}/trials?limit=${TRIALS_LIMIT}`, {
            signal,
          });
          loaded = page.trials.length;
          setTrials(page.trials);
          setTrialsTotal(page.total);
        } catch (error) {
          failed(error);
        }
      },
      () => trialsEveryMs(loaded),
    );

    void api
      .json<SweepDetail>(`/v1/sweeps/${id}`, { signal })
      .then(setStatus)
      .catch((error: unknown) => {
        if (error instanceof ApiProblem) setProblem(error);
        failed(error);
      });
    grids.request();
    rows.request();
    const gridTimer = setInterval(() => grids.request(), GRID_POLL_MS);

    const follow = async () => {
      while (!signal.aborted) {
        let ended = false;
        try {
          await followEvents(
            api,
            `/v1/sweeps/${id}/events`,
            ({ event, data }) => {
              if (event === 'status') {
                setStatus(data as SweepStatus);
                rows.request();
              } else if (event === 'trial') {
                grids.request();
                rows.request();
              } else if (event === 'progress') {
                const p = data as ProgressEvent;
                setProgress((map) => new Map(map).set(p.key, p));
              } else if (event === 'end') {
                ended = true;
                grids.request();
                rows.request();
              }
            },
            signal,
          );
        } catch (error) {
          failed(error);
          if (error instanceof ApiProblem && error.status !== 0 && error.status < 500) return;
        }
        if (ended || signal.aborted) return;
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
      }
    };
    void follow();
    return () => {
      controller.abort();
      clearInterval(gridTimer);
      grids.stop();
      rows.stop();
    };
  }, [api, id, onUnauthorized]);

  const runningKeys = useMemo(() => new Set(status?.running.map((r) => r.key)), [status]);
  const extentPp = grid ? gainExtentPp(grid.grid) : 0;
  const selectedCell =
    selected && grid
      ? grid.grid.groups
          .find((g) => g.id === selected.group)
          ?.cells.flat()
          .find((c) => c.tau === selected.tau && c.activePercent === selected.p)
      : undefined;

  if (problem) {
    return (
      <section>
        <h1>Sweep {id}</h1>
        <p role="alert" class="error">
          {problem.message}
        </p>
        <p>
          <a href="#/">All sweeps</a>
        </p>
      </section>
    );
  }
  if (!status) return <p>Loading sweep {id}…</p>;
  const base = `/v1/sweeps/${id}`;
  return (
    <article class="sweep" data-sweep={id}>
      <header class="sweep-head">
        <h1>{status.name}</h1>
        <span class={`state state-${status.state}`} data-testid="sweep-state">
          {status.state}
        </span>
        <span class="muted mono">{status.id}</span>
      </header>
      <div class="summary">
        <ProgressBar counts={status.counts} total={status.trials} />
        <span>
          <strong class="num">{status.counts.done}</strong> done,{' '}
          <strong class="num">{status.counts.failed}</strong> failed,{' '}
          <strong class="num">{status.counts.running}</strong> running,{' '}
          <strong class="num">{status.counts.queued}</strong> queued
          {status.counts.cancelled > 0 && `, ${status.counts.cancelled} cancelled`} of{' '}
          {status.trials}; {status.derived} derived from their baseline, {status.reused} reused
        </span>
        <span>ETA {FINAL.has(status.state) ? '–' : formatDuration(status.etaSeconds)}</span>
        <span class="muted">created {formatTime(status.createdAt)}</span>
      </div>
      {isLive(status.state) && <FairShareSummary share={status.fairShare} />}
      <SweepActions status={status} onChanged={setStatus} />
      {status.failures.length > 0 && (
        <ul class="failures">
          {status.failures.map((f) => (
            <li key={`${f.code}-${f.reason}`} class="error">
              {f.count} × {f.reason}
              {f.fix && <span class="muted"> ({f.fix})</span>}
            </li>
          ))}
        </ul>
      )}
      <p class="downloads">
        <DownloadButton path={`${base}/grid.svg`} file={`${id}-grid.svg`}>
          Grid SVG
        </DownloadButton>
        <DownloadButton path={`${base}/grid.png`} file={`${id}-grid.png`}>
          Grid PNG
        </DownloadButton>
        <DownloadButton path={`${base}/trials?format=csv`} file={`${id}-trials.csv`}>
          Trials CSV
        </DownloadButton>
      </p>

      <section aria-labelledby="grid-title" class="grid-section">
        <h2 id="grid-title">Mean gain per (τ, P)</h2>
        {gridNote && !grid && <p class="muted">{gridNote}</p>}
        {grid && (
          <>
            <GainLegend extentPp={extentPp} />
            <div class="heatmaps" data-testid="heatmaps">
              {grid.grid.groups.map((group) => (
                <Heatmap
                  key={group.id}
                  group={group}
                  extentPp={extentPp}
                  selected={selected}
                  onSelect={setSelected}
                />
              ))}
            </div>
          </>
        )}
        {selected && selectedCell && (
          <CellDetails sweepId={id} cellRef={selected} cell={selectedCell} />
        )}
      </section>

      <RunningTrials running={status.running} progress={progress} />
      {trials ? (
        <TrialsTable rows={trials} total={trialsTotal} runningKeys={runningKeys} />
      ) : (
        <p>Loading trials…</p>
      )}
    </article>
  );
}
