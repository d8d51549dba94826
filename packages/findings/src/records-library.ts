import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { parseRecordLine, parseRecordsHeader, type RecordsHeader } from '@seedsweep/api-contract';
import { recordRefusal, type TrialSpec } from '@seedsweep/sweep-spec';
import { FindingsError } from './findings-error.js';

/** A result as a records file holds it: the fields the findings read, and the rest. */
export interface StoredResult {
  key: string;
  testAccuracy: number;
  majorityRate: number;
  diverged: boolean;
  epochsRun: number;
  durationMs: number;
  derivedFrom?: string | null;
  resumedFrom?: { key: string; epoch: number } | null;
  [field: string]: unknown;
}

/**
 * Every records file of a directory (`seedsweep export --records`), each line checked as an
 * import checks it: a result whose key is not its spec's, or which changed after export, stops
 * the findings, because a report must not rest on a result nobody can reproduce.
 */
export class RecordsLibrary {
  private constructor(
    readonly sweeps: readonly RecordsHeader['sweep'][],
    private readonly results: ReadonlyMap<string, { spec: TrialSpec; record: StoredResult }>,
  ) {}

  static async fromDirectory(dir: string): Promise<RecordsLibrary> {
    const files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl.gz')).sort();
    if (files.length === 0) {
      throw new FindingsError('NO_RESULTS', `no records files (*.jsonl.gz) in ${dir}`);
    }
    const sweeps: RecordsHeader['sweep'][] = [];
    const results = new Map<string, { spec: TrialSpec; record: StoredResult }>();
    for (const file of files) {
      const where = path.join(dir, file);
      let line = 0;
      for await (const text of gzipLines(where)) {
        line++;
        if (line === 1) {
          sweeps.push(parseRecordsHeader(text).sweep);
          continue;
        }
        const trial = parseRecordLine(text, line);
        const refusal = recordRefusal(trial);
        if (refusal) {
          throw new FindingsError(
            'RECORD_REFUSED',
            `${where} line ${line} (trial ${trial.key}): ${refusal.detail}`,
          );
        }
        // Files may overlap (two sweeps share baselines): a key's result is one result.
        results.set(trial.key, {
          spec: trial.spec as unknown as TrialSpec,
          record: trial.record as StoredResult,
        });
      }
    }
    return new RecordsLibrary(sweeps, results);
  }

  /** The sweep named `name` (the newest file's, should several carry it). */
  sweep(name: string): RecordsHeader['sweep'] | undefined {
    return this.sweeps.filter((s) => s.name === name).at(-1);
  }

  result(key: string): StoredResult | undefined {
    return this.results.get(key)?.record;
  }

  get size(): number {
    return this.results.size;
  }
}

async function* gzipLines(file: string): AsyncGenerator<string> {
  const lines = createInterface({
    input: createReadStream(file).pipe(createGunzip()),
    crlfDelay: Infinity,
  });
  for await (const line of lines) if (line !== '') yield line;
}
