import type { SweepGrid } from '@seedsweep/stats';
import { colourLegend, LEGEND_WIDTH } from './colour-legend.js';
import { gainColourScale, gainExtentPp } from './gain-colour.js';
import {
  CELL_HEIGHT,
  cellsTop,
  heatmapHeight,
  heatmapRight,
  heatmapTextRight,
  renderHeatmap,
} from './heatmap.js';
import { centredMessage, figureHeader, HEADER_HEIGHT, minimumWidth } from './figure-header.js';
import { svgDocument } from './svg-document.js';

export interface GridSvgOptions {
  title?: string;
}

const DEFAULT_TITLE = 'RandomOut: mean gain in test accuracy over the baseline';
const GROUP_GAP = 18;
const LEGEND_GAP = 36;
const RIGHT_MARGIN = 16;
const MIN_LEGEND_HEIGHT = 120;
const MAX_LEGEND_HEIGHT = 220;

/**
 * The paper's Figure 3 for every group of a sweep, stacked vertically: a heatmap of mean gain
 * (percentage points) over (tau, P), one colour scale shared by all groups so they compare.
 */
export function renderGridSvg(grid: SweepGrid, options: GridSvgOptions = {}): string {
  const title = options.title ?? DEFAULT_TITLE;
  const anyDiverged = grid.groups.some((g) => g.cells.flat().some((c) => c.diverged > 0));
  const progress =
    `${grid.trials.done} of ${grid.trials.total} trials done · gain = RandomOut − baseline of the same seed, mean over seeds` +
    (anyDiverged ? ' · div. = runs that diverged' : '');
  const header = figureHeader(title, progress);
  if (grid.groups.length === 0) {
    const width = minimumWidth(title, progress);
    const height = HEADER_HEIGHT + 80;
    return svgDocument(
      width,
      height,
      title,
      header + centredMessage('No results yet', width / 2, HEADER_HEIGHT + 40),
    );
  }
  const extentPp = gainExtentPp(grid);
  const colour = gainColourScale(extentPp);
  let top = HEADER_HEIGHT;
  const blocks = grid.groups.map((group) => {
    const block = renderHeatmap(group, colour, extentPp, top);
    top += heatmapHeight(group) + GROUP_GAP;
    return block;
  });
  const cellsRight = Math.max(...grid.groups.map(heatmapRight));
  const legendX = cellsRight + LEGEND_GAP;
  const firstRows = grid.groups[0]?.taus.length ?? 0;
  const legendHeight = Math.min(
    MAX_LEGEND_HEIGHT,
    Math.max(MIN_LEGEND_HEIGHT, firstRows * CELL_HEIGHT),
  );
  const legend = colourLegend(
    colour,
    extentPp,
    { x: legendX, y: cellsTop(HEADER_HEIGHT) },
    legendHeight,
  );
  const width = Math.max(
    legendX + LEGEND_WIDTH + RIGHT_MARGIN,
    minimumWidth(title, progress),
    ...grid.groups.map((group) => heatmapTextRight(group) + RIGHT_MARGIN),
  );
  const height = Math.max(top - GROUP_GAP + 8, cellsTop(HEADER_HEIGHT) + legendHeight + 60);
  return svgDocument(width, height, title, header + blocks.join('') + legend);
}
