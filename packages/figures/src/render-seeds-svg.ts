import { format } from 'd3-format';
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import { schemeTableau10 } from 'd3-scale-chromatic';
import type { SeedAccuracy } from '@seedsweep/stats';
import {
  centredMessage,
  figureHeader,
  HEADER_HEIGHT,
  minimumWidth,
  textWidth,
} from './figure-header.js';
import { lineChartFrame, Y_TITLE_ROW, type PlotArea } from './line-chart-frame.js';
import { formatPercent } from './number-labels.js';
import { sortedSeries } from './sorted-series.js';
import { svgDocument } from './svg-document.js';
import { svgNumber } from './svg-number.js';
import { element, lineElement, textElement } from './xml.js';

export interface SeedsSvgInput {
  title: string;
  /** One entry per seed; accuracies are fractions, null while a run has no result. */
  seeds: readonly SeedAccuracy[];
  /** Accuracy (fraction) at or below which a baseline failed; drawn as a dashed line. */
  failureThreshold?: number | null;
}

const WIDTH = 680;
const HEIGHT = 440;
const LEGEND_ROW = 30;
const PLOT_LEFT = 72;
const PLOT_RIGHT_MARGIN = 24;
/** A legend entry's swatch, the gap after it, and the space before the next entry. */
const SWATCH_WIDTH = 22;
const SWATCH_GAP = 6;
const ENTRY_GAP = 28;
const LEGEND_FONT_SIZE = 11;
const TREATMENT_COLOUR = schemeTableau10[0] ?? '#4e79a7';
const BASELINE_COLOUR = schemeTableau10[1] ?? '#f28e2b';
const THRESHOLD_COLOUR = schemeTableau10[2] ?? '#e15759';
const percentTick = format('~f');

/**
 * The paper's Figure 4: every seed's test accuracy with RandomOut and without, each series sorted
 * ascending on its own, so the curves show how often and how badly runs lose the filter lottery.
 */
export function renderSeedsSvg(input: SeedsSvgInput): string {
  const treatment = sortedSeries(input.seeds.map((s) => s.treatment)).map((a) => a * 100);
  const baseline = sortedSeries(input.seeds.map((s) => s.baseline)).map((a) => a * 100);
  const threshold = thresholdPercent(input.failureThreshold);
  const note = `${input.seeds.length} seeds, ${treatment.length} RandomOut and ${baseline.length} baseline results; each series sorted on its own`;
  const entries = legendEntries(treatment.length, baseline.length, threshold);
  const width = Math.max(
    WIDTH,
    minimumWidth(input.title, note),
    PLOT_LEFT + legendWidth(entries) + PLOT_RIGHT_MARGIN,
  );
  const header = figureHeader(input.title, note);
  const area: PlotArea = {
    left: PLOT_LEFT,
    right: width - PLOT_RIGHT_MARGIN,
    top: HEADER_HEIGHT + LEGEND_ROW + 10 + Y_TITLE_ROW,
    bottom: HEIGHT - 56,
  };
  if (treatment.length === 0 && baseline.length === 0) {
    const message = centredMessage(
      'No results yet',
      (area.left + area.right) / 2,
      (area.top + area.bottom) / 2,
    );
    return svgDocument(width, HEIGHT, input.title, header + placeholderFrame(area) + message);
  }
  const ranks = Math.max(treatment.length, baseline.length);
  const x = scaleLinear()
    .domain([0.5, ranks + 0.5])
    .range([area.left, area.right]);
  const y = scaleLinear()
    .domain(accuracyDomain([...treatment, ...baseline, ...(threshold === null ? [] : [threshold])]))
    .range([area.bottom, area.top])
    .nice();
  const frame = lineChartFrame(area, x, y, {
    x: 'Rank of the seed within its series (worst to best)',
    y: 'Test accuracy (%)',
    yFormat: percentTick,
  });
  const body =
    frame +
    (threshold === null ? '' : thresholdLine(threshold, area, y)) +
    series('baseline', baseline, BASELINE_COLOUR, x, y) +
    series('randomout', treatment, TREATMENT_COLOUR, x, y) +
    legend(area, entries);
  return svgDocument(width, HEIGHT, input.title, header + body);
}

function thresholdPercent(threshold: number | null | undefined): number | null {
  return threshold === null || threshold === undefined || !Number.isFinite(threshold)
    ? null
    : threshold * 100;
}

/** A little room around the data, kept within 0-100%; nice() then rounds it to the ticks. */
function accuracyDomain(values: readonly number[]): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = Math.max(1, 0.05 * (hi - lo));
  return [Math.max(0, lo - pad), Math.min(100, hi + pad)];
}

function series(
  name: 'randomout' | 'baseline',
  values: readonly number[],
  colour: string,
  x: ScaleLinear<number, number>,
  y: ScaleLinear<number, number>,
): string {
  const points = values.map((v, i) => [x(i + 1), y(v)] as const);
  const line = element('polyline', {
    points: points.map(([px, py]) => `${svgNumber(px)},${svgNumber(py)}`).join(' '),
    fill: 'none',
    stroke: colour,
    'stroke-width': 1.5,
  });
  const markers = points.map(([px, py]) => marker(name, px, py, colour)).join('');
  return element('g', { class: `series ${name}` }, line + markers);
}

/** Circles for RandomOut, squares for the baseline: the series differ in print without colour. */
function marker(name: 'randomout' | 'baseline', x: number, y: number, colour: string): string {
  if (name === 'randomout') return element('circle', { cx: x, cy: y, r: 3.2, fill: colour });
  return element('rect', { x: x - 3, y: y - 3, width: 6, height: 6, fill: colour });
}

function thresholdLine(threshold: number, area: PlotArea, y: ScaleLinear<number, number>): string {
  const at = y(threshold);
  return element(
    'g',
    { class: 'threshold' },
    lineElement({
      x1: area.left,
      x2: area.right,
      y1: at,
      y2: at,
      stroke: THRESHOLD_COLOUR,
      'stroke-width': 1.2,
      'stroke-dasharray': '6 4',
    }) +
      textElement(formatPercent(threshold / 100), {
        x: area.right - 4,
        y: at - 5,
        'text-anchor': 'end',
        'font-size': 10,
        fill: THRESHOLD_COLOUR,
      }),
  );
}

type LegendKind = 'randomout' | 'baseline' | 'threshold';

function legendEntries(
  treatmentCount: number,
  baselineCount: number,
  threshold: number | null,
): { kind: LegendKind; label: string }[] {
  const entries: { kind: LegendKind; label: string }[] = [
    { kind: 'randomout', label: `RandomOut (${treatmentCount} runs)` },
    { kind: 'baseline', label: `Baseline (${baselineCount} runs)` },
  ];
  if (threshold !== null) entries.push({ kind: 'threshold', label: 'Baseline failure threshold' });
  return entries;
}

/** The width of an entry: swatch, gap, and its label's estimated width for any font. */
function entryWidth(label: string): number {
  return SWATCH_WIDTH + SWATCH_GAP + textWidth(label, LEGEND_FONT_SIZE);
}

function legendWidth(entries: readonly { label: string }[]): number {
  return entries.reduce((sum, e, i) => sum + (i > 0 ? ENTRY_GAP : 0) + entryWidth(e.label), 0);
}

/** One row above the plot; each entry starts where the one before ends, with room to spare. */
function legend(area: PlotArea, entries: readonly { kind: LegendKind; label: string }[]): string {
  const y = HEADER_HEIGHT + 14;
  let x = area.left;
  const items = entries.map((entry) => {
    const swatch =
      entry.kind === 'threshold'
        ? lineElement({
            x1: x,
            x2: x + SWATCH_WIDTH,
            y1: y,
            y2: y,
            stroke: THRESHOLD_COLOUR,
            'stroke-width': 1.2,
            'stroke-dasharray': '6 4',
          })
        : swatchLine(x, y, entry.kind === 'randomout' ? TREATMENT_COLOUR : BASELINE_COLOUR) +
          marker(
            entry.kind,
            x + SWATCH_WIDTH / 2,
            y,
            entry.kind === 'randomout' ? TREATMENT_COLOUR : BASELINE_COLOUR,
          );
    const label = textElement(entry.label, {
      x: x + SWATCH_WIDTH + SWATCH_GAP,
      y: y + 4,
      'font-size': LEGEND_FONT_SIZE,
    });
    x += entryWidth(entry.label) + ENTRY_GAP;
    return swatch + label;
  });
  return element('g', { class: 'legend' }, items.join(''));
}

function swatchLine(x: number, y: number, colour: string): string {
  return lineElement({ x1: x, x2: x + 22, y1: y, y2: y, stroke: colour, 'stroke-width': 1.5 });
}

/** The outline of the empty plot, so a figure without data still looks like a figure. */
function placeholderFrame(area: PlotArea): string {
  return element('rect', {
    x: area.left,
    y: area.top,
    width: area.right - area.left,
    height: area.bottom - area.top,
    fill: 'none',
    stroke: '#cccccc',
    'stroke-dasharray': '4 4',
  });
}
