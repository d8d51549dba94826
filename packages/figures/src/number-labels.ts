import { format } from 'd3-format';

const signedOneDecimal = format('+.1f');
const oneDecimal = format('.1f');

/**
 * A tau as the paper writes it, 1e-8: the fewest significant digits that give back the same
 * number, so 1e-8 stays short and 2.5e-9 is not rounded to 3e-9.
 */
export function formatTau(tau: number): string {
  if (tau === 0) return '0';
  for (let digits = 0; digits < 17; digits += 1) {
    const label = format(`.${digits}e`)(tau);
    if (Number(label.replace('−', '-')) === tau) return label;
  }
  return format('.16e')(tau);
}

/** A gain in percentage points with its sign, "+1.2"; a gain that rounds to zero is "0.0". */
export function formatGain(gainPp: number): string {
  const rounded = Math.round(gainPp * 10) / 10;
  return rounded === 0 ? '0.0' : signedOneDecimal(rounded);
}

/** A fraction as a percentage with one decimal: 0.9123 -> "91.2%". */
export function formatPercent(fraction: number): string {
  return `${oneDecimal(fraction * 100)}%`;
}
