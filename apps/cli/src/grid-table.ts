import type { CellStats, GroupGrid, SweepGrid } from './api-types.js';
import { formatGain, formatP, formatPercent } from './number-format.js';
import { textTable, type Align } from './text-table.js';

export const GRID_METRICS = ['gain', 'accuracy', 'p'] as const;
export type GridMetric = (typeof GRID_METRICS)[number];

/** What a cell without a value shows. */
export const EMPTY_CELL = '–';

const LEGENDS: Record<GridMetric, string> = {
  gain:
    'cells: mean gain of RandomOut over the baseline in percentage points; pairs matched by seed, ' +
    `n = seed pairs; div. = RandomOut runs that diverged (loss not finite); ${EMPTY_CELL} = no pair yet`,
  accuracy:
    'cells: mean test accuracy of the RandomOut runs; n = runs done; ' +
    `${EMPTY_CELL} = none done yet (the heading has the baseline's)`,
  p:
    'cells: two-sided Wilcoxon signed-rank p of the gains, pairs matched by seed; n = seed pairs; ' +
    `${EMPTY_CELL} = no pair with a non-zero gain yet`,
};

/**
 * The grid as text, the paper's Figure 3 in a terminal: per group a heading, then one row per
 * tau and one column per P, in plan order; a legend closes it.
 */
export function renderGrid(grid: SweepGrid, metric: GridMetric = 'gain'): string[] {
  const lines: string[] = [];
  for (const group of grid.groups) {
    if (lines.length > 0) lines.push('');
    lines.push(groupHeading(group));
    const header = ['tau \\ P', ...group.activePercents.map((p) => `P=${p}%`)];
    const rows = group.taus.map((tau, t) => [
      `tau=${tau}`,
      ...group.activePercents.map((_, p) => cellText(group.cells[t]?.[p], metric)),
    ]);
    const align = header.map((_, i): Align => (i === 0 ? 'left' : 'right'));
    lines.push(...textTable([header, ...rows], align));
  }
  if (grid.groups.length === 0) lines.push('the sweep has no groups');
  lines.push('', LEGENDS[metric]);
  return lines;
}

export function groupHeading(group: GroupGrid): string {
  const { baseline } = group;
  const mean = baseline.meanAccuracy === null ? EMPTY_CELL : formatPercent(baseline.meanAccuracy);
  const diverged = baseline.diverged > 0 ? `, ${baseline.diverged} diverged` : '';
  return (
    `group ${group.id} (region ${group.region}): baseline mean accuracy ${mean} over ` +
    `${baseline.done} of ${group.seeds.length} seeds done, ${baseline.atChance} at chance${diverged}`
  );
}

function cellText(cell: CellStats | undefined, metric: GridMetric): string {
  if (!cell) return EMPTY_CELL;
  switch (metric) {
    case 'gain':
      return cell.n > 0 && cell.meanGain !== null
        ? `${formatGain(cell.meanGain)} (n=${cell.n}${cell.diverged > 0 ? `, ${cell.diverged} div.` : ''})`
        : EMPTY_CELL;
    case 'accuracy':
      return cell.done > 0 && cell.meanAccuracy !== null
        ? `${formatPercent(cell.meanAccuracy)} (n=${cell.done})`
        : EMPTY_CELL;
    case 'p':
      return cell.wilcoxonP !== null ? `${formatP(cell.wilcoxonP)} (n=${cell.n})` : EMPTY_CELL;
  }
}
