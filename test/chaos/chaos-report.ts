import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The figures of one chaos scenario, as the closing table shows them. */
export interface ChaosFigures {
  scenario: string;
  trials: number;
  workerKills: number;
  aggregatorKills: number;
  redisRestarts: number;
  /** Commands a Redis crash took out of the AOF (the last second of writes). */
  aofCommandsForgotten: number;
  /** Trials the reconciler put back on the queue because Redis had forgotten their jobs. */
  requeuedByReconciler: number;
  /** Trainings started beyond the one each trained result needed. */
  reExecutions: number;
  /** Results a second run of a trial tried to write and the store refused. */
  duplicateWritesRefused: number;
  /** Trials without a result at the end: must be 0. */
  resultsLost: number;
  /** Trials with more than one result event: must be 0. */
  doubleCounted: number;
  /** Longest time from a worker's death to one of its trials running again, in seconds. */
  longestKillToRerunSeconds: number | null;
  wallSeconds: number;
}

const COLUMNS: [keyof ChaosFigures, string][] = [
  ['scenario', 'scenario'],
  ['trials', 'trials'],
  ['workerKills', 'worker kills'],
  ['aggregatorKills', 'aggregator kills'],
  ['redisRestarts', 'Redis restarts'],
  ['aofCommandsForgotten', 'Redis writes forgotten'],
  ['requeuedByReconciler', 'requeued by reconciler'],
  ['reExecutions', 're-executions'],
  ['duplicateWritesRefused', 'duplicate writes refused'],
  ['resultsLost', 'results lost'],
  ['doubleCounted', 'double-counted'],
  ['longestKillToRerunSeconds', 'longest kill → rerun (s)'],
  ['wallSeconds', 'wall (s)'],
];

/** A Markdown table: readable on a terminal and pasteable into a closing note. */
export function chaosTable(rows: ChaosFigures[]): string {
  const cells = rows.map((row) =>
    COLUMNS.map(([field]) => {
      const value = row[field];
      if (value === null) return '–';
      return typeof value === 'number' && !Number.isInteger(value)
        ? value.toFixed(1)
        : String(value);
    }),
  );
  const header = COLUMNS.map(([, title]) => title);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...cells.map((c) => c[i]!.length)),
  );
  const line = (values: string[]) =>
    `| ${values.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...cells.map(line),
  ].join('\n');
}

export async function writeChaosReport(rows: ChaosFigures[], file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(rows, null, 2)}\n`);
}
