import { scaleDiverging, type ScaleDiverging } from 'd3-scale';
import { interpolateRdBu } from 'd3-scale-chromatic';
import type { SweepGrid } from '@seedsweep/stats';

/** The colour of a cell without pairs: neutral, and unlike any colour of the scheme. */
export const NO_DATA_FILL = '#d9d9d9';

/** The colour domain never shrinks below ±0.5 pp, so noise-sized gains stay pale. */
export const MIN_GAIN_EXTENT_PP = 0.5;

/** Mean gain (pp) to colour: red losses, blue gains, the scheme's white-ish midpoint at zero. */
export function gainColourScale(extentPp: number): ScaleDiverging<string> {
  return scaleDiverging(interpolateRdBu).domain([-extentPp, 0, extentPp]);
}

/** The symmetric half-width of the colour domain: the largest |mean gain| of any cell, in pp. */
export function gainExtentPp(grid: SweepGrid): number {
  let extent = MIN_GAIN_EXTENT_PP;
  for (const group of grid.groups) {
    for (const row of group.cells) {
      for (const cell of row) {
        if (cell.meanGain !== null) extent = Math.max(extent, Math.abs(cell.meanGain * 100));
      }
    }
  }
  return extent;
}
