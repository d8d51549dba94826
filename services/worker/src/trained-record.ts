import type { TrialRecord } from '@seedsweep/store';
import type { TrainResult } from '@seedsweep/trainer';

/**
 * The trainer's fields a record leaves out: the trial's key already stands for its
 * configuration and dataset, and `resumedFrom` names the epoch it resumed from with the
 * baseline it came from.
 */
const UNRECORDED = [
  'resumedFromEpoch',
  'config',
  'dataset',
] as const satisfies readonly (keyof TrainResult)[];

type Unrecorded = (typeof UNRECORDED)[number];

/**
 * The trainer's fields a record keeps: every other one, stored as the trainer gives it. Taken
 * from TrialRecord, so this fails to compile when the trainer gains a field the record does not
 * declare (or types differently): declare it in TrialRecord, or add it to UNRECORDED.
 */
type RecordedResult = Pick<TrialRecord, Exclude<keyof TrainResult, Unrecorded>>;

/** Who trained the trial, and from where: the record's last fields. */
export interface TrainedBy {
  worker: string;
  attempt: number;
  finishedAt: string;
  resumedFrom: { key: string; epoch: number } | null;
}

/**
 * A trained trial's record. Its JSON keeps the key order records have always had: the key, the
 * accuracy and the test set's counts first, the trainer's fields in the trainer's order (their
 * spread sets testAccuracy again, in its place), then who trained it.
 */
export function trainedRecord(
  key: string,
  result: TrainResult,
  labels: Uint8Array,
  by: TrainedBy,
): TrialRecord {
  const head = {
    key,
    testAccuracy: result.testAccuracy,
    majorityRate: majorityRate(labels),
    testCount: labels.length,
  };
  return {
    ...head,
    ...recordedFields(result),
    worker: by.worker,
    attempt: by.attempt,
    finishedAt: by.finishedAt,
    resumedFrom: by.resumedFrom,
  };
}

function recordedFields(result: TrainResult): RecordedResult {
  const fields: Partial<TrainResult> = { ...result };
  for (const name of UNRECORDED) delete fields[name];
  // The cast only drops what the loop deleted; the assignment checks the rest against the record.
  const recorded: RecordedResult = fields as Omit<TrainResult, Unrecorded>;
  return recorded;
}

/** What a model that learnt nothing scores: the share of the test set's larger class. */
function majorityRate(labels: Uint8Array): number {
  let craters = 0;
  for (const label of labels) craters += label;
  const majority = Math.max(craters, labels.length - craters);
  return labels.length > 0 ? majority / labels.length : 0;
}
