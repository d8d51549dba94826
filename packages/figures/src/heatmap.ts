import type { ScaleDiverging } from 'd3-scale';
import { scaleBand } from 'd3-scale';
import type { CellStats, GroupGrid } from '@seedsweep/stats';
import { textWidth } from './figure-header.js';
import { NO_DATA_FILL } from './gain-colour.js';
import { formatGain, formatPercent, formatTau } from './number-labels.js';
import { MUTED_COLOUR } from './svg-document.js';
import { element, escapeXml, textElement } from './xml.js';

export const CELL_WIDTH = 64;
export const CELL_HEIGHT = 40;
/** Room left of the cells for the tau labels and the axis title. */
export const HEATMAP_LEFT = 96;
/** The group's id, its baseline, and a row for the tau axis title above the tau labels. */
const SUBTITLE_HEIGHT = 62;
const X_AXIS_HEIGHT = 46;
/** Above this share of the colour extent a cell is dark enough to need white text. */
const DARK_CELL_SHARE = 0.6;

export function heatmapHeight(group: GroupGrid): number {
  if (!hasCells(group)) return SUBTITLE_HEIGHT + 24;
  return SUBTITLE_HEIGHT + group.taus.length * CELL_HEIGHT + X_AXIS_HEIGHT;
}

export function heatmapWidth(group: GroupGrid): number {
  return group.activePercents.length * CELL_WIDTH;
}

const X_AXIS_TITLE = 'P (% of epochs with RandomOut active)';

const X_AXIS_TITLE_SIZE = 11;
/** Between the group's id (bold) and its region, which are two texts: see subtitle(). */
const SUBTITLE_GAP = 6;

/**
 * The right edge of a heatmap's cells and of its x-axis title, which is wider than two or three
 * cells: the colour legend must start to the right of both.
 */
export function heatmapRight(group: GroupGrid): number {
  return HEATMAP_LEFT + Math.max(heatmapWidth(group), textWidth(X_AXIS_TITLE, X_AXIS_TITLE_SIZE));
}

/** How far right of the cells' left edge the group's text may reach. */
export function heatmapTextRight(group: GroupGrid): number {
  const title = regionX(group) - HEATMAP_LEFT + textWidth(regionText(group), 13);
  return HEATMAP_LEFT + Math.max(title, textWidth(baselineSummary(group), 11));
}

/** Where the first row of cells starts, below the subtitle: the legend lines up with it. */
export function cellsTop(top: number): number {
  return top + SUBTITLE_HEIGHT;
}

/**
 * One group's heatmap, the paper's Figure 3: P (ascending) across, tau down with the largest on
 * top, each cell coloured by its mean gain. Plan order is kept in the data; only display sorts.
 */
export function renderHeatmap(
  group: GroupGrid,
  colour: ScaleDiverging<string>,
  extentPp: number,
  top: number,
): string {
  const header = subtitle(group, top);
  if (!hasCells(group)) {
    const note = textElement('No (τ, P) cells in this group.', {
      x: HEATMAP_LEFT,
      y: cellsTop(top) + 12,
      'font-size': 12,
      fill: MUTED_COLOUR,
    });
    return element('g', { class: 'group' }, header + note);
  }
  const columns = ascendingIndices(group.activePercents);
  const rows = ascendingIndices(group.taus).reverse();
  const x = scaleBand<number>()
    .domain(columns)
    .range([HEATMAP_LEFT, HEATMAP_LEFT + heatmapWidth(group)]);
  const y = scaleBand<number>()
    .domain(rows)
    .range([cellsTop(top), cellsTop(top) + rows.length * CELL_HEIGHT]);
  const cells = rows
    .flatMap((t) => columns.map((p) => [t, p] as const))
    .map(([t, p]) => {
      const cell = group.cells[t]?.[p];
      if (cell === undefined) throw new RangeError(`group '${group.id}' has no cell [${t}][${p}]`);
      return renderCell(cell, band(x, p), band(y, t), colour, extentPp);
    })
    .join('');
  return element(
    'g',
    { class: 'group' },
    header + cells + xAxis(group, columns, x, y.range()[1]) + yAxis(group, rows, y),
  );
}

function subtitle(group: GroupGrid, top: number): string {
  // Two texts, not tspans: ImageMagick draws every tspan at the text's x, one over the other.
  const title =
    textElement(group.id, {
      x: HEATMAP_LEFT,
      y: top + 16,
      'font-size': 13,
      'font-weight': 'bold',
    }) +
    textElement(regionText(group), {
      x: regionX(group),
      y: top + 16,
      'font-size': 13,
      fill: MUTED_COLOUR,
    });
  const baseline = textElement(baselineSummary(group), {
    x: HEATMAP_LEFT,
    y: top + 32,
    'font-size': 11,
    fill: MUTED_COLOUR,
  });
  return title + baseline;
}

function regionText(group: GroupGrid): string {
  return `· region ${group.region}`;
}

/** Where the region follows the group's id: the id's estimated width leaves room for any font. */
function regionX(group: GroupGrid): number {
  return HEATMAP_LEFT + textWidth(group.id, 13) + SUBTITLE_GAP;
}

function baselineSummary(group: GroupGrid): string {
  const { baseline, failureThreshold, seeds } = group;
  if (baseline.meanAccuracy === null) return `Baseline: no results yet (${seeds.length} seeds).`;
  const parts = [
    `Baseline: mean ${formatPercent(baseline.meanAccuracy)} over ${baseline.done} of ${seeds.length} seeds`,
  ];
  if (failureThreshold !== null) {
    parts.push(`${baseline.atChance} at chance (≤ ${formatPercent(failureThreshold)})`);
  }
  if (baseline.diverged > 0) parts.push(`${baseline.diverged} diverged`);
  return `${parts.join(', ')}.`;
}

function renderCell(
  cell: CellStats,
  x: number,
  y: number,
  colour: ScaleDiverging<string>,
  extentPp: number,
): string {
  const centre = x + CELL_WIDTH / 2;
  const box = {
    x,
    y,
    width: CELL_WIDTH,
    height: CELL_HEIGHT,
    stroke: '#ffffff',
    'stroke-width': 1,
  };
  if (cell.meanGain === null || cell.n === 0) {
    return (
      element('rect', { class: 'cell no-data', ...box, fill: NO_DATA_FILL }, tooltip(cell)) +
      textElement('–', {
        x: centre,
        y: y + 25,
        'text-anchor': 'middle',
        'font-size': 13,
        fill: MUTED_COLOUR,
      })
    );
  }
  const gainPp = cell.meanGain * 100;
  const ink = Math.abs(gainPp) > DARK_CELL_SHARE * extentPp ? '#ffffff' : '#222222';
  return (
    element('rect', { class: 'cell', ...box, fill: colour(gainPp) }, tooltip(cell)) +
    textElement(formatGain(gainPp), {
      x: centre,
      y: y + 20,
      'text-anchor': 'middle',
      'font-size': 13,
      'font-weight': 'bold',
      fill: ink,
    }) +
    // A diverged run (loss not finite) reads as at chance in the gain: say which ones were.
    textElement(`n=${cell.n}${cell.diverged > 0 ? ` · ${cell.diverged} div.` : ''}`, {
      x: centre,
      y: y + 33,
      'text-anchor': 'middle',
      // The longer label fits the cell's width a size smaller.
      'font-size': cell.diverged > 0 ? 8 : 9,
      fill: ink,
    })
  );
}

/** Hover text in browsers: the numbers the colour stands for. */
function tooltip(cell: CellStats): string {
  const where = `τ=${formatTau(cell.tau)}, P=${cell.activePercent}%`;
  if (cell.meanGain === null) return `<title>${escapeXml(`${where}: no pairs yet`)}</title>`;
  const ci =
    cell.ci95 === null
      ? ''
      : ` [95% CI ${formatGain(cell.ci95[0] * 100)}, ${formatGain(cell.ci95[1] * 100)}]`;
  const p = cell.wilcoxonP === null ? '' : `, Wilcoxon p=${cell.wilcoxonP.toPrecision(2)}`;
  const diverged = cell.diverged > 0 ? `, ${cell.diverged} diverged` : '';
  const text = `${where}: mean gain ${formatGain(cell.meanGain * 100)} pp${ci}, n=${cell.n}${p}${diverged}`;
  return `<title>${escapeXml(text)}</title>`;
}

function xAxis(
  group: GroupGrid,
  columns: number[],
  x: (i: number) => number | undefined,
  bottom: number,
): string {
  const labels = columns
    .map((p) =>
      textElement(`${group.activePercents[p] ?? ''}%`, {
        x: band(x, p) + CELL_WIDTH / 2,
        y: bottom + 15,
        'text-anchor': 'middle',
        'font-size': 11,
      }),
    )
    .join('');
  // Centred under the cells when they are wider; otherwise from their left edge, so it never
  // reaches left out of the figure.
  const cells = heatmapWidth(group);
  const centred = cells >= textWidth(X_AXIS_TITLE, X_AXIS_TITLE_SIZE);
  const title = textElement(X_AXIS_TITLE, {
    x: centred ? HEATMAP_LEFT + cells / 2 : HEATMAP_LEFT,
    y: bottom + 34,
    'text-anchor': centred ? 'middle' : 'start',
    'font-size': X_AXIS_TITLE_SIZE,
  });
  return labels + title;
}

/** The tau axis title starts where the figure's title does. */
const Y_TITLE_X = 16;

/**
 * Tau labels left of the rows, and the axis title horizontal above them: ImageMagick turns
 * rotated text the wrong way (it reads downwards there, upwards elsewhere).
 */
function yAxis(group: GroupGrid, rows: number[], y: (i: number) => number | undefined): string {
  const labels = rows
    .map((t) =>
      textElement(formatTau(group.taus[t] ?? 0), {
        x: HEATMAP_LEFT - 8,
        y: band(y, t) + CELL_HEIGHT / 2 + 4,
        'text-anchor': 'end',
        'font-size': 11,
      }),
    )
    .join('');
  const title = textElement('τ (CGN threshold)', {
    x: Y_TITLE_X,
    y: band(y, rows[0] ?? 0) - 10,
    'font-size': 11,
  });
  return labels + title;
}

function hasCells(group: GroupGrid): boolean {
  return group.taus.length > 0 && group.activePercents.length > 0;
}

/** Indices of `values` ordered by value; ties keep plan order, so the layout is deterministic. */
function ascendingIndices(values: readonly number[]): number[] {
  return values.map((_, i) => i).sort((a, b) => (values[a] ?? 0) - (values[b] ?? 0) || a - b);
}

function band(scale: (i: number) => number | undefined, index: number): number {
  const at = scale(index);
  if (at === undefined) throw new RangeError(`index ${index} is not on the axis`);
  return at;
}
