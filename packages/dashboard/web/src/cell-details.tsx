import { useEffect, useState } from 'preact/hooks';
import { formatGain, formatTau } from '@seedsweep/figures/browser';
import type { CellStats } from '@seedsweep/api-contract';
import { DownloadButton } from './download-button.js';
import { formatAccuracy, formatP } from './format.js';
import type { CellRef } from './heatmap.js';
import { useSession } from './session.js';

/**
 * The selected cell: its statistics and its seeds plot (the paper's Figure 4), drawn by the
 * API's own seeds.svg route, so it is the file a download gives. Redrawn as the cell fills.
 */
export function CellDetails({
  sweepId,
  cellRef,
  cell,
}: {
  sweepId: string;
  cellRef: CellRef;
  cell: CellStats;
}) {
  const { api } = useSession();
  const query = new URLSearchParams({
    group: cellRef.group,
    tau: String(cellRef.tau),
    p: String(cellRef.p),
  }).toString();
  const [plot, setPlot] = useState<{ url: string } | { error: string } | null>(null);

  useEffect(() => {
    let url: string | null = null;
    let stopped = false;
    api
      .objectUrl(`/v1/sweeps/${sweepId}/seeds.svg?${query}`)
      .then((made) => {
        url = made;
        if (stopped) URL.revokeObjectURL(made);
        else setPlot({ url: made });
      })
      .catch((error: Error) => !stopped && setPlot({ error: error.message }));
    return () => {
      stopped = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [api, sweepId, query, cell.done, cell.n]);

  const gain = (value: number | null) => (value === null ? '–' : `${formatGain(value * 100)} pp`);
  const title = `${cellRef.group}, τ ${formatTau(cellRef.tau)}, P ${cellRef.p}%`;
  return (
    <section class="cell-details" aria-labelledby="cell-title" data-testid="cell-details">
      <h2 id="cell-title">{title}</h2>
      <dl class="stats">
        <dt>Mean gain</dt>
        <dd data-stat="meanGain">{gain(cell.meanGain)}</dd>
        <dt>95% interval</dt>
        <dd>{cell.ci95 ? `${gain(cell.ci95[0])} to ${gain(cell.ci95[1])}` : '–'}</dd>
        <dt>Wilcoxon p</dt>
        <dd>{formatP(cell.wilcoxonP)}</dd>
        <dt>Pairs (n)</dt>
        <dd data-stat="n">{cell.n}</dd>
        <dt>Wins / ties / losses</dt>
        <dd>
          {cell.wins} / {cell.ties} / {cell.losses}
        </dd>
        <dt>Seeds at chance (baseline)</dt>
        <dd>{cell.baselineAtChance}</dd>
        <dt>Recovered</dt>
        <dd>{cell.recovered}</dd>
        <dt>Harmed</dt>
        <dd>{cell.harmed}</dd>
        <dt>Diverged</dt>
        <dd>{cell.diverged}</dd>
        <dt>Mean accuracy (RandomOut)</dt>
        <dd>{formatAccuracy(cell.meanAccuracy)}</dd>
      </dl>
      <div class="plot">
        {plot === null && <p class="muted">Drawing the seeds plot…</p>}
        {plot !== null && 'url' in plot && (
          <img
            src={plot.url}
            data-testid="seeds-plot"
            alt={`Test accuracy of every seed of ${title}, sorted, RandomOut beside the baseline`}
          />
        )}
        {plot !== null && 'error' in plot && (
          <p role="alert" class="error">
            No seeds plot: {plot.error}
          </p>
        )}
      </div>
      <p class="downloads">
        <DownloadButton path={`/v1/sweeps/${sweepId}/seeds.svg?${query}`} file="seeds.svg">
          Seeds plot SVG
        </DownloadButton>
        <DownloadButton path={`/v1/sweeps/${sweepId}/seeds.png?${query}`} file="seeds.png">
          PNG
        </DownloadButton>
      </p>
    </section>
  );
}
