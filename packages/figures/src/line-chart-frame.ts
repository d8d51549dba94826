import type { ScaleLinear, ScaleLogarithmic } from 'd3-scale';
import { format } from 'd3-format';
import { MUTED_COLOUR } from './svg-document.js';
import { svgNumber } from './svg-number.js';
import { element, lineElement, textElement } from './xml.js';

export interface PlotArea {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const GRID_COLOUR = '#e6e6e6';
/** How far left of the plot the y-axis title starts, about where the y labels do. */
const Y_TITLE_INSET = 40;
/** Room a chart leaves above its plot area for the y-axis title. */
export const Y_TITLE_ROW = 20;
const integer = format('d');

/**
 * Axes of a line chart: horizontal grid lines at the y ticks, an L-shaped frame, x ticks (integer
 * ranks unless given) and y ticks with the given format, and both axis titles, the y title above
 * the plot (in the Y_TITLE_ROW above `area.top`).
 */
export function lineChartFrame(
  area: PlotArea,
  x: ScaleLinear<number, number> | ScaleLogarithmic<number, number>,
  y: ScaleLinear<number, number>,
  labels: {
    x: string;
    y: string;
    yFormat: (value: number) => string;
    /** Where and how to label x; default integer ticks (ranks). */
    xTicks?: readonly { value: number; label: string }[];
  },
): string {
  const yTicks = y.ticks(6);
  const grid = yTicks
    .map((v) =>
      lineElement({ x1: area.left, x2: area.right, y1: y(v), y2: y(v), stroke: GRID_COLOUR }),
    )
    .join('');
  const yLabels = yTicks
    .map((v) =>
      textElement(labels.yFormat(v), {
        x: area.left - 8,
        y: y(v) + 4,
        'text-anchor': 'end',
        'font-size': 11,
      }),
    )
    .join('');
  const xTicks =
    labels.xTicks ??
    x
      .ticks(10)
      .filter((v) => Number.isInteger(v) && v >= 1)
      .map((value) => ({ value, label: integer(value) }));
  const xLabels = xTicks
    .map(
      ({ value: v, label }) =>
        lineElement({
          x1: x(v),
          x2: x(v),
          y1: area.bottom,
          y2: area.bottom + 4,
          stroke: MUTED_COLOUR,
        }) +
        textElement(label, {
          x: x(v),
          y: area.bottom + 17,
          'text-anchor': 'middle',
          'font-size': 11,
        }),
    )
    .join('');
  const frame = element('path', {
    d: `M${svgNumber(area.left)},${svgNumber(area.top)}V${svgNumber(area.bottom)}H${svgNumber(area.right)}`,
    fill: 'none',
    stroke: MUTED_COLOUR,
  });
  const xTitle = textElement(labels.x, {
    x: (area.left + area.right) / 2,
    y: area.bottom + 38,
    'text-anchor': 'middle',
    'font-size': 12,
  });
  // Horizontal, above the y labels: ImageMagick turns rotated text the wrong way.
  const yTitle = textElement(labels.y, {
    x: area.left - Y_TITLE_INSET,
    y: area.top - 12,
    'font-size': 12,
  });
  return element('g', { class: 'axes' }, grid + frame + yLabels + xLabels + xTitle + yTitle);
}
