/** An accuracy (a fraction, 0.9123) as a percentage with one decimal: "91.2%". */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/**
 * A gain (a difference of fractions, 0.012) in percentage points with its sign and one decimal:
 * "+1.2". A gain that rounds to zero keeps its sign ("-0.0"): which way it leans still matters.
 */
export function formatGain(fraction: number): string {
  const points = (Math.abs(fraction) * 100).toFixed(1);
  if (fraction > 0) return `+${points}`;
  if (fraction < 0) return `-${points}`;
  return points;
}

/** A p-value with three decimals; below that, an upper bound. */
export function formatP(p: number): string {
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

/** Seconds as "42s", "3m 05s", "2h 07m": an ETA reads at a glance. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** An ISO timestamp to the second, as the API's are in UTC: "2026-11-26 22:40:12Z". */
export function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
