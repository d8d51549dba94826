import type { TrialRow } from '@seedsweep/api-contract';

const COLUMNS: (keyof TrialRow)[] = [
  'key',
  'region',
  'seed',
  'baseline',
  'tau',
  'activePercent',
  'cgn',
  'checkEvery',
  'minTrainLoss',
  'inputScale',
  'epochs',
  'learningRate',
  'batchSize',
  'dataSeed',
  'state',
  'testAccuracy',
  'majorityRate',
  'diverged',
  'epochsRun',
  'reinitializations',
  'durationMs',
  'engine',
  'codePath',
  'weightsHash',
  'worker',
  'finishedAt',
  'failure',
  'derivedFrom',
  'failureClass',
  'failureReason',
  'failureFix',
];

export function csvHeader(): string {
  return `${COLUMNS.join(',')}\r\n`;
}

/** One RFC 4180 line; empty for null, numbers as JavaScript prints them (round-trippable). */
export function csvLine(row: TrialRow): string {
  return `${COLUMNS.map((column) => csvField(row[column])).join(',')}\r\n`;
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
