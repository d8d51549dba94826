import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RedisFailover } from './chaos-cluster.js';

/** The figures of one chaos scenario, as the closing table shows them. */
export interface ChaosFigures {
  scenario: string;
  trials: number;
  workerKills: number;
  aggregatorKills: number;
  redisRestarts: number;
  /** Primaries killed for the sentinels to promote a replica. */
  failovers: number;
  /**
   * Commands acknowledged that Redis then forgot: those a crash took out of the AOF (the last
   * second of writes), and those a failover's promoted replica never received.
   */
  aofCommandsForgotten: number;
  /** Results acknowledged by an old primary that the promoted replica lacked; null: not measured. */
  resultsForgotten: number | null;
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
  /** Each failover's timing and replication offsets (in the JSON report, not the table). */
  failoverDetails?: RedisFailover[];
}

type Column = Exclude<keyof ChaosFigures, 'failoverDetails'>;

const COLUMNS: [Column, string][] = [
  ['scenario', 'scenario'],
  ['trials', 'trials'],
  ['workerKills', 'worker kills'],
  ['aggregatorKills', 'aggregator kills'],
  ['redisRestarts', 'Redis restarts'],
  ['failovers', 'failovers'],
  ['aofCommandsForgotten', 'Redis writes forgotten'],
  ['resultsForgotten', 'results forgotten'],
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

/**
 * Writes the rows into the JSON report, replacing the rows of the same scenarios and keeping
 * the others: each test file of the suite adds its own.
 */
export async function writeChaosReport(rows: ChaosFigures[], file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const earlier = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as unknown,
    () => [],
  );
  const kept = Array.isArray(earlier) ? (earlier as ChaosFigures[]) : [];
  const replaced = new Set(rows.map((row) => row.scenario));
  const merged = [...kept.filter((row) => !replaced.has(row.scenario)), ...rows];
  await writeFile(file, `${JSON.stringify(merged, null, 2)}\n`);
}
