import { gainColourScale, formatGain } from '@seedsweep/figures/browser';

const STOPS = 9;

/** The colour scale with its numbers: red losses, blue gains, in percentage points. */
export function GainLegend({ extentPp }: { extentPp: number }) {
  const colour = gainColourScale(extentPp);
  const values = Array.from(
    { length: STOPS },
    (_, i) => -extentPp + (2 * extentPp * i) / (STOPS - 1),
  );
  const gradient = `linear-gradient(to right, ${values.map((v) => colour(v)).join(', ')})`;
  return (
    <div class="legend" aria-label="Colour scale of the mean gain">
      <span class="small">Mean gain (points):</span>
      <span class="legend-bar" style={{ backgroundImage: gradient }} aria-hidden="true" />
      <span class="legend-ticks small">
        <span>{formatGain(-extentPp)}</span>
        <span>0.0</span>
        <span>{formatGain(extentPp)}</span>
      </span>
      <span class="small muted">grey: no pairs yet</span>
    </div>
  );
}
