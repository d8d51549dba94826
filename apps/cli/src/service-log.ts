/**
 * Turns a service's pino JSON line into one short human line for `seedsweep start`'s terminal:
 * time, service, message and the fields worth reading. Per-request logs are dropped unless the
 * request failed, and with `warningsOnly` everything below a warning; anything that is not JSON
 * (a crash's stack trace) passes through as it is.
 */
export function formatServiceLine(
  service: string,
  line: string,
  options: { warningsOnly?: boolean } = {},
): string | null {
  if (!line.startsWith('{')) return line.trim() === '' ? null : `${service.padEnd(10)} ${line}`;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${service.padEnd(10)} ${line}`;
  }
  const level = Number(entry.level ?? 30);
  if (options.warningsOnly && level < 40) return null;
  const msg = String(entry.msg ?? '');
  const status = (entry.res as { statusCode?: number } | undefined)?.statusCode;
  if (msg === 'incoming request') return null;
  if (msg === 'request completed' && (status ?? 0) < 400) return null;
  const time = new Date(Number(entry.time ?? Date.now())).toISOString().slice(11, 19);
  const mark = level >= 50 ? 'ERROR ' : level >= 40 ? 'warn ' : '';
  const fields = Object.entries(entry)
    .filter(([key]) => SHOWN.has(key))
    .map(([key, value]) => `${key}=${short(value)}`);
  const error = (entry.err as { message?: string } | undefined)?.message;
  return [time, service.padEnd(10), `${mark}${msg}`, ...fields, ...(error ? [`(${error})`] : [])]
    .join(' ')
    .trimEnd();
}

const SHOWN = new Set([
  'sweepId',
  'trials',
  'enqueued',
  'reusedResults',
  'alreadyQueued',
  'jobId',
  'attempt',
  'testAccuracy',
  'concurrency',
  'sweeps',
  'outcome',
  'signal',
]);

function short(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(4);
  const text = String(value);
  // Job ids carry a 64-character content key; its first 12 characters identify it.
  return /^t-[0-9a-f]{64}$/.test(text) ? `${text.slice(0, 14)}…` : text;
}
