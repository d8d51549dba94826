import { format } from 'd3-format';
import { scaleLinear, scaleLog, type ScaleLinear, type ScaleLogarithmic } from 'd3-scale';
import { schemeTableau10 } from 'd3-scale-chromatic';
import { figureHeader, HEADER_HEIGHT, minimumWidth, textWidth } from './figure-header.js';
import { lineChartFrame, Y_TITLE_ROW, type PlotArea } from './line-chart-frame.js';
import { svgDocument } from './svg-document.js';
import { svgNumber } from './svg-number.js';
import { element, lineElement, textElement } from './xml.js';

/** One learning rate of one line: its baselines' outcome. */
export interface LotteryPoint {
  learningRate: number;
  /** Baselines with a result. */
  n: number;
  /** Of those, how many ended at chance (at or below the failure threshold). */
  atChance: number;
  /** Mean test accuracy of those baselines, as a fraction; null when n is 0. */
  meanAccuracy: number | null;
}

/** One input scale in one region, points in any order. */
export interface LotteryLine {
  inputScale: string;
  region: string;
  points: readonly LotteryPoint[];
}

export interface LotterySvgInput {
  title: string;
  /** A muted line under the title: epochs, seeds, crop. */
  note: string;
  lines: readonly LotteryLine[];
}

const PANEL_WIDTH = 460;
const HEIGHT = 470;
const LEGEND_HEIGHT = 44;
const LEGEND_ROW = 18;
const percentTick = format('~f');

/**
 * Where the filter lottery exists: for each input scale (colour) and region (solid East, dashed
 * otherwise), the share of baseline seeds that ended at chance (left) and their mean accuracy
 * (right) against the learning rate, on a log axis shared by both panels.
 */
export function renderLotterySvg(input: LotterySvgInput): string {
  const width = Math.max(2 * PANEL_WIDTH, minimumWidth(input.title, input.note));
  const rates = input.lines.flatMap((l) => l.points.map((p) => p.learningRate));
  const header = figureHeader(input.title, input.note);
  const legendRows = legendLayout(input.lines, width).rows;
  // Two rows fit the usual height; more push the panels down rather than into the legend.
  const extra = Math.max(0, legendRows * LEGEND_ROW + 8 - LEGEND_HEIGHT);
  const height = HEIGHT + extra;
  const top = HEADER_HEIGHT + LEGEND_HEIGHT + extra + 8 + Y_TITLE_ROW;
  const bottom = height - 56;
  const panels: PlotArea[] = [
    { left: 72, right: width / 2 - 20, top, bottom },
    { left: width / 2 + 60, right: width - 24, top, bottom },
  ];
  if (rates.length === 0) return svgDocument(width, height, input.title, header);
  const [lo, hi] = [Math.min(...rates), Math.max(...rates)];
  const xTicks = decadeTicks(lo, hi);
  const accuracies = input.lines.flatMap((l) =>
    l.points.flatMap((p) => (p.meanAccuracy === null ? [] : [p.meanAccuracy * 100])),
  );
  const yAccuracy = scaleLinear()
    .domain([
      Math.max(0, Math.min(50, ...accuracies) - 2),
      Math.min(100, Math.max(...accuracies, 60) + 2),
    ])
    .nice();
  const body = panels
    .map((area, index) => {
      const x = scaleLog()
        .domain([lo / 1.4, hi * 1.4])
        .range([area.left, area.right]);
      const y = (index === 0 ? scaleLinear().domain([0, 100]) : yAccuracy.copy()).range([
        area.bottom,
        area.top,
      ]);
      const frame = lineChartFrame(area, x, y, {
        x: 'Learning rate (log scale)',
        y: index === 0 ? 'Baseline seeds at chance (%)' : 'Mean baseline accuracy (%)',
        yFormat: percentTick,
        xTicks: xTicks.filter((t) => t.value >= x.domain()[0]! && t.value <= x.domain()[1]!),
      });
      const value = (p: LotteryPoint): number | null =>
        index === 0
          ? p.n === 0
            ? null
            : (100 * p.atChance) / p.n
          : p.meanAccuracy === null
            ? null
            : p.meanAccuracy * 100;
      const lines = input.lines
        .map((line) => seriesElement(line, x, y, value, colourOf(input.lines, line)))
        .join('');
      return element(
        'g',
        { class: `panel ${index === 0 ? 'at-chance' : 'accuracy'}` },
        frame + lines,
      );
    })
    .join('');
  return svgDocument(width, height, input.title, header + legend(input.lines, width) + body);
}

function colourOf(lines: readonly LotteryLine[], line: LotteryLine): string {
  const scales = [...new Set(lines.map((l) => l.inputScale))];
  return schemeTableau10[scales.indexOf(line.inputScale) % schemeTableau10.length] ?? '#4e79a7';
}

function isSolid(line: LotteryLine): boolean {
  return line.region === 'East';
}

function seriesElement(
  line: LotteryLine,
  x: ScaleLogarithmic<number, number>,
  y: ScaleLinear<number, number>,
  value: (p: LotteryPoint) => number | null,
  colour: string,
): string {
  const points = [...line.points]
    .sort((a, b) => a.learningRate - b.learningRate)
    .flatMap((p) => {
      const v = value(p);
      return v === null ? [] : [[x(p.learningRate), y(v)] as const];
    });
  const polyline = element('polyline', {
    points: points.map(([px, py]) => `${svgNumber(px)},${svgNumber(py)}`).join(' '),
    fill: 'none',
    stroke: colour,
    'stroke-width': 1.6,
    ...(isSolid(line) ? {} : { 'stroke-dasharray': '5 3' }),
  });
  const markers = points.map(([px, py]) => marker(line, px, py, colour)).join('');
  return element(
    'g',
    { class: 'series', 'data-input-scale': line.inputScale, 'data-region': line.region },
    polyline + markers,
  );
}

/** Circles East, squares otherwise: regions differ in print without colour, as dashes do. */
function marker(line: LotteryLine, x: number, y: number, colour: string): string {
  if (isSolid(line)) return element('circle', { cx: x, cy: y, r: 3.2, fill: colour });
  return element('rect', { x: x - 3, y: y - 3, width: 6, height: 6, fill: colour });
}

/** Each input scale and region once; columns as wide as the widest label's estimated width. */
function legendLayout(
  lines: readonly LotteryLine[],
  width: number,
): { entries: LotteryLine[]; column: number; perRow: number; rows: number } {
  const seen = new Set<string>();
  const entries = lines.filter((l) => {
    const id = `${l.inputScale}/${l.region}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  const column = Math.max(200, ...entries.map((l) => 28 + textWidth(legendLabel(l), 11) + 24));
  const perRow = Math.max(1, Math.floor((width - 32) / column));
  return { entries, column, perRow, rows: Math.ceil(entries.length / perRow) };
}

function legendLabel(line: LotteryLine): string {
  return `${line.inputScale}, ${line.region}`;
}

function legend(lines: readonly LotteryLine[], width: number): string {
  const { entries, column, perRow } = legendLayout(lines, width);
  const items = entries.map((line, i) => {
    const x = 16 + (i % perRow) * column;
    const y = HEADER_HEIGHT + 6 + Math.floor(i / perRow) * LEGEND_ROW;
    const colour = colourOf(lines, line);
    return (
      lineElement({
        x1: x,
        x2: x + 22,
        y1: y,
        y2: y,
        stroke: colour,
        'stroke-width': 1.6,
        ...(isSolid(line) ? {} : { 'stroke-dasharray': '5 3' }),
      }) +
      marker(line, x + 11, y, colour) +
      textElement(legendLabel(line), { x: x + 28, y: y + 4, 'font-size': 11 })
    );
  });
  return element('g', { class: 'legend' }, items.join(''));
}

/** 1e-5, 1e-4, ... labelled as numbers people write (0.0001, 0.001, 0.01, 0.1). */
function decadeTicks(lo: number, hi: number): { value: number; label: string }[] {
  const ticks: { value: number; label: string }[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    const value = 10 ** e;
    ticks.push({ value, label: e >= -4 ? String(Number(value.toPrecision(1))) : `1e${e}` });
  }
  return ticks;
}
