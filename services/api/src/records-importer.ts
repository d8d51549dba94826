import {
  parseRecordLine,
  parseRecordsHeader,
  RecordsFormatError,
  type ImportResponse,
  type RecordLine,
} from '@seedsweep/api-contract';
import type { SweepStore, TrialRecord } from '@seedsweep/store';
import { InvalidSweepError, parseSweepDefinition, recordRefusal } from '@seedsweep/sweep-spec';
import { TRAINER_VERSION } from '@seedsweep/trainer/config';

/**
 * Imports a records document (or a part of one: its header and some of its trials). Every line
 * is read and checked before the first write, so a document that cannot be read writes
 * nothing; a trial that fails its checks is refused alone, and a result already stored is
 * kept, never overwritten.
 */
export class RecordsImporter {
  constructor(private readonly store: SweepStore) {}

  async import(text: string): Promise<ImportResponse> {
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    if (lines.length === 0) {
      throw new RecordsFormatError('syntax', 1, '(line)', 'is missing: the records are empty');
    }
    const header = parseRecordsHeader(lines[0]!);
    try {
      // Checked here, not only when the sweep is submitted after the import: a file whose
      // sweep this deployment cannot take is refused before any of it is written.
      parseSweepDefinition(header.sweep.definition);
    } catch (error) {
      if (!(error instanceof InvalidSweepError)) throw error;
      const issue = error.issues[0]!;
      const path = issue.path === '(root)' ? '' : `.${issue.path}`;
      throw new RecordsFormatError('structure', 1, `sweep.definition${path}`, issue.message);
    }
    const trials: { line: number; trial: RecordLine }[] = lines
      .slice(1)
      .map((text, i) => ({ line: i + 2, trial: parseRecordLine(text, i + 2) }));

    const refused: ImportResponse['refused'] = [];
    const accepted: TrialRecord[] = [];
    for (const { line, trial } of trials) {
      const refusal = recordRefusal(trial);
      if (refusal) refused.push({ line, key: trial.key, ...refusal });
      else accepted.push(trial.record as unknown as TrialRecord);
    }
    const written = await this.store.importResults(accepted);
    const imported = written.filter(Boolean).length;
    return {
      imported,
      alreadyPresent: accepted.length - imported,
      refused,
      trainerVersion: TRAINER_VERSION,
    };
  }
}
