import { gainColourScale, formatGain, formatTau, NO_DATA_FILL } from '@seedsweep/figures/browser';
import type { CellStats, GroupGrid } from '@seedsweep/api-contract';
import { formatAccuracy } from './format.js';

/** Above this share of the colour extent a cell is dark enough to need white text (as in the SVG). */
const DARK_CELL_SHARE = 0.6;

export interface CellRef {
  group: string;
  tau: number;
  p: number;
}

/**
 * One group's heatmap, the paper's Figure 3 as HTML: P across (ascending), tau down with the
 * largest on top, each cell a button coloured by packages/figures' own scale, so the page and
 * grid.svg agree. Every colour is also written as the number it stands for.
 */
export function Heatmap({
  group,
  extentPp,
  selected,
  onSelect,
}: {
  group: GroupGrid;
  extentPp: number;
  selected: CellRef | null;
  onSelect: (cell: CellRef) => void;
}) {
  const colour = gainColourScale(extentPp);
  const columns = ascending(group.activePercents);
  const rows = ascending(group.taus).reverse();
  const { baseline, seeds } = group;
  return (
    <figure class="heatmap" data-group={group.id}>
      <figcaption>
        <strong>{group.id}</strong> <span class="muted">· region {group.region}</span>
        <div class="muted small">
          Baseline:{' '}
          {baseline.meanAccuracy === null
            ? `no results yet (${seeds.length} seeds)`
            : `mean ${formatAccuracy(baseline.meanAccuracy)} over ${baseline.done} of ${seeds.length} seeds` +
              (group.failureThreshold === null
                ? ''
                : `, ${baseline.atChance} at chance (≤ ${formatAccuracy(group.failureThreshold)})`) +
              (baseline.diverged > 0 ? `, ${baseline.diverged} diverged` : '')}
        </div>
      </figcaption>
      {rows.length === 0 || columns.length === 0 ? (
        <p class="muted">No (τ, P) cells in this group.</p>
      ) : (
        <table class="cells" onKeyDown={moveFocus}>
          <caption class="visually-hidden">
            Mean gain in percentage points of RandomOut over the baseline, paired by seed, per τ
            (rows) and P (columns)
          </caption>
          <thead>
            <tr>
              <th scope="col">τ \ P</th>
              {columns.map((p) => (
                <th scope="col" key={p}>
                  {group.activePercents[p]}%
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((t) => (
              <tr key={t}>
                <th scope="row">{formatTau(group.taus[t]!)}</th>
                {columns.map((p) => {
                  const cell = group.cells[t]![p]!;
                  const isSelected =
                    selected !== null &&
                    selected.group === group.id &&
                    selected.tau === cell.tau &&
                    selected.p === cell.activePercent;
                  return (
                    <td key={p}>
                      <CellButton
                        cell={cell}
                        groupId={group.id}
                        fill={cell.meanGain === null ? NO_DATA_FILL : colour(cell.meanGain * 100)}
                        dark={
                          cell.meanGain !== null &&
                          Math.abs(cell.meanGain * 100) > DARK_CELL_SHARE * extentPp
                        }
                        selected={isSelected}
                        onSelect={() =>
                          onSelect({ group: group.id, tau: cell.tau, p: cell.activePercent })
                        }
                      />
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </figure>
  );
}

function CellButton({
  cell,
  groupId,
  fill,
  dark,
  selected,
  onSelect,
}: {
  cell: CellStats;
  groupId: string;
  fill: string;
  dark: boolean;
  selected: boolean;
  onSelect: () => void;
}) {
  const gain = cell.meanGain === null ? '–' : formatGain(cell.meanGain * 100);
  const label =
    cell.meanGain === null
      ? `τ ${formatTau(cell.tau)}, P ${cell.activePercent}%: no pairs yet, ${cell.done} done`
      : `τ ${formatTau(cell.tau)}, P ${cell.activePercent}%: mean gain ${gain} points, n ${cell.n}`;
  return (
    <button
      type="button"
      class={`cell${dark ? ' dark' : ''}`}
      style={{ backgroundColor: fill }}
      aria-pressed={selected}
      aria-label={label}
      data-cell={`${groupId}|${cell.tau}|${cell.activePercent}`}
      data-n={cell.n}
      data-gain={cell.meanGain ?? ''}
      onClick={onSelect}
    >
      <span class="gain">{gain}</span>
      <span class="n">
        n={cell.n}
        {cell.diverged > 0 && ` · ${cell.diverged} div.`}
      </span>
    </button>
  );
}

const MOVES: Record<string, [number, number]> = {
  ArrowUp: [-1, 0],
  ArrowDown: [1, 0],
  ArrowLeft: [0, -1],
  ArrowRight: [0, 1],
};

/** Arrow keys move between cells, as in the figure; Tab still walks them in reading order. */
function moveFocus(event: KeyboardEvent) {
  const move = MOVES[event.key];
  const cell = (event.target as HTMLElement).closest('td');
  const row = cell?.parentElement as HTMLTableRowElement | null;
  const body = row?.parentElement as HTMLTableSectionElement | null;
  if (!move || !cell || !row || !body) return;
  const next = body.rows[row.sectionRowIndex + move[0]]?.cells[cell.cellIndex + move[1]];
  const button = next?.querySelector('button');
  if (button) {
    event.preventDefault();
    button.focus();
  }
}

/** Indices of `values` ordered by value; ties keep plan order (as the SVG lays them out). */
function ascending(values: readonly number[]): number[] {
  return values.map((_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
}
