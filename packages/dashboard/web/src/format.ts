/** Seconds as people read a wait: "45 s", "12 min", "3 h 05 min". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** An ISO time in the reader's time zone, to the minute. */
export function formatTime(iso: string | null): string {
  if (!iso) return '–';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A fraction as a percentage, "91.2%"; "–" for none. */
export function formatAccuracy(fraction: number | null | undefined): string {
  return fraction === null || fraction === undefined ? '–' : `${(fraction * 100).toFixed(1)}%`;
}

/** A p-value with two significant digits, "0.0031". */
export function formatP(p: number | null): string {
  return p === null ? '–' : p.toPrecision(2);
}
