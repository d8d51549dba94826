import type { ScaleDiverging } from 'd3-scale';
import { scaleLinear } from 'd3-scale';
import { NO_DATA_FILL } from './gain-colour.js';
import { formatGain } from './number-labels.js';
import { MUTED_COLOUR } from './svg-document.js';
import { element, textElement } from './xml.js';

const BAR_WIDTH = 14;
const GRADIENT_ID = 'gain-gradient';
const GRADIENT_STOPS = 16;
/** Width the legend takes, labels included. */
export const LEGEND_WIDTH = 96;

/**
 * A vertical colour bar for the gain scale with ticks in percentage points, and a swatch for
 * cells without pairs. The gradient samples the scale itself, so bar and cells cannot disagree.
 */
export function colourLegend(
  colour: ScaleDiverging<string>,
  extentPp: number,
  origin: { x: number; y: number },
  height: number,
): string {
  const top = origin.y + 18;
  const bottom = top + height;
  const y = scaleLinear().domain([-extentPp, extentPp]).range([bottom, top]);
  const stops = Array.from({ length: GRADIENT_STOPS + 1 }, (_, i) => {
    const t = i / GRADIENT_STOPS;
    return element('stop', { offset: t, 'stop-color': colour(-extentPp + 2 * extentPp * t) });
  }).join('');
  const ticks = y
    .ticks(6)
    .map((value) => {
      const at = y(value);
      return (
        element('line', {
          x1: origin.x + BAR_WIDTH,
          x2: origin.x + BAR_WIDTH + 4,
          y1: at,
          y2: at,
          stroke: MUTED_COLOUR,
        }) +
        textElement(formatGain(value), {
          x: origin.x + BAR_WIDTH + 7,
          y: at + 3.5,
          'font-size': 10,
        })
      );
    })
    .join('');
  return element(
    'g',
    { class: 'legend' },
    element(
      'defs',
      {},
      element('linearGradient', { id: GRADIENT_ID, x1: 0, y1: 1, x2: 0, y2: 0 }, stops),
    ) +
      textElement('Mean gain (pp)', {
        x: origin.x,
        y: origin.y + 8,
        'font-size': 11,
        'font-weight': 'bold',
      }) +
      element('rect', {
        class: 'legend-bar',
        x: origin.x,
        y: top,
        width: BAR_WIDTH,
        height,
        fill: `url(#${GRADIENT_ID})`,
        stroke: MUTED_COLOUR,
        'stroke-width': 0.5,
      }) +
      ticks +
      element('rect', {
        x: origin.x,
        y: bottom + 14,
        width: BAR_WIDTH,
        height: 10,
        fill: NO_DATA_FILL,
      }) +
      textElement('no pairs', { x: origin.x + BAR_WIDTH + 7, y: bottom + 22.5, 'font-size': 10 }),
  );
}
