import type { ScaleDiverging } from 'd3-scale';
import { scaleLinear } from 'd3-scale';
import { textWidth } from './figure-header.js';
import { NO_DATA_FILL } from './gain-colour.js';
import { formatGain } from './number-labels.js';
import { MUTED_COLOUR } from './svg-document.js';
import { element, lineElement, textElement } from './xml.js';

const BAR_WIDTH = 14;
/** Bands of the colour bar: enough that it reads as the continuous scale of the cells. */
const BAR_STEPS = 32;
const TITLE = 'Mean gain (pp)';
const NO_DATA_LABEL = 'no pairs';
const LABEL_OFFSET = BAR_WIDTH + 7;
/** Width the legend takes, labels included, whichever of its texts is the widest. */
export const LEGEND_WIDTH = Math.ceil(
  Math.max(
    textWidth(TITLE, 11),
    LABEL_OFFSET + textWidth(NO_DATA_LABEL, 10),
    LABEL_OFFSET + textWidth(formatGain(-88.8), 10),
  ),
);

/**
 * A vertical colour bar for the gain scale with ticks in percentage points, and a swatch for
 * cells without pairs. The bar is a stack of plain rects, each the scale's colour at its middle,
 * so bar and cells cannot disagree: a gradient would be simpler, but ImageMagick draws it black.
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
  const step = height / BAR_STEPS;
  // Bottom (most negative) to top; each band reaches half a pixel into the next, so no renderer's
  // anti-aliasing leaves a seam of background between two.
  const bands = Array.from({ length: BAR_STEPS }, (_, i) => {
    const value = -extentPp + (2 * extentPp * (i + 0.5)) / BAR_STEPS;
    const lower = bottom - i * step;
    const upper = lower - step - (i < BAR_STEPS - 1 ? 0.5 : 0);
    return element('rect', {
      class: 'legend-step',
      x: origin.x,
      y: upper,
      width: BAR_WIDTH,
      height: lower - upper,
      fill: colour(value),
    });
  }).join('');
  const ticks = y
    .ticks(6)
    .map((value) => {
      const at = y(value);
      return (
        lineElement({
          x1: origin.x + BAR_WIDTH,
          x2: origin.x + BAR_WIDTH + 4,
          y1: at,
          y2: at,
          stroke: MUTED_COLOUR,
        }) +
        textElement(formatGain(value), {
          x: origin.x + LABEL_OFFSET,
          y: at + 3.5,
          'font-size': 10,
        })
      );
    })
    .join('');
  return element(
    'g',
    { class: 'legend' },
    textElement(TITLE, {
      x: origin.x,
      y: origin.y + 8,
      'font-size': 11,
      'font-weight': 'bold',
    }) +
      bands +
      element('rect', {
        class: 'legend-bar',
        x: origin.x,
        y: top,
        width: BAR_WIDTH,
        height,
        fill: 'none',
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
      textElement(NO_DATA_LABEL, { x: origin.x + LABEL_OFFSET, y: bottom + 22.5, 'font-size': 10 }),
  );
}
