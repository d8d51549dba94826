import { createHash } from 'node:crypto';
import {
  LEGACY_BACKEND_CHOICES,
  NUMERIC_FAMILIES,
  parseTrainConfig,
} from '@seedsweep/trainer/config';
import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';
import type { TrialSpec } from './sweep-plan.js';
import { trialKey } from './trial-key.js';

/** One trial of a records file (`seedsweep export --records`), as its line holds it. */
export interface RecordLine {
  key: string;
  spec: Record<string, unknown>;
  record: Record<string, unknown>;
  recordSha256: string;
}

export type RecordRefusalReason =
  'INVALID_SPEC' | 'KEY_MISMATCH' | 'RECORD_KEY_MISMATCH' | 'RECORD_ALTERED' | 'INVALID_RECORD';

export interface RecordRefusal {
  reason: RecordRefusalReason;
  detail: string;
}

/** SHA-256 hex of a record's canonical JSON: what an importer checks the record against. */
export function recordSha256(record: object): string {
  return createHash('sha256').update(canonicalJson(record)).digest('hex');
}

/**
 * What a trial spec must be for a worker to run it. The dataset is checked only for its
 * identity: its other fields belong to crater-data and are covered by the key.
 */
const specShape = z
  .looseObject({
    region: z.string().min(1),
    dataset: z.looseObject({ identity: z.string().min(1) }),
    train: z.unknown(),
    // A numeric family, or (trainer versions up to 4) a tfjs backend.
    numerics: z.enum(NUMERIC_FAMILIES).optional(),
    backend: z.enum(LEGACY_BACKEND_CHOICES).optional(),
    trainerVersion: z.string().min(1),
  })
  .refine((spec) => (spec.numerics === undefined) !== (spec.backend === undefined), {
    message: 'a spec names a numeric family or (before trainer 5) a backend, one of them',
  });

/**
 * What the store reads of a record (its summary, its counters). The rest is kept as it is, so
 * a record with fields this version does not know survives an import unchanged.
 */
const recordShape = z.looseObject({
  key: z.string(),
  testAccuracy: z.number(),
  majorityRate: z.number(),
  diverged: z.boolean(),
  durationMs: z.number().min(0),
  epochsRun: z.number().int().min(0),
  derivedFrom: z.string().nullable().optional(),
  resumedFrom: z
    .object({ key: z.string(), epoch: z.number().int().min(0) })
    .nullable()
    .optional(),
});

/**
 * Why a line of a records file may not be trusted (imported, or counted in a report), or null
 * when it may: its key must be its spec's content key, its record that trial's and unchanged
 * since export, and both must be what this version can read.
 */
export function recordRefusal(line: RecordLine): RecordRefusal | null {
  const computed = trialKey(line.spec as unknown as TrialSpec);
  if (computed !== line.key) {
    return {
      reason: 'KEY_MISMATCH',
      detail: `the key is not its spec's (${computed}): the spec or the key was changed`,
    };
  }
  const invalidSpec = specProblem(line.spec);
  if (invalidSpec) return { reason: 'INVALID_SPEC', detail: invalidSpec };
  if (line.record.key !== line.key) {
    return {
      reason: 'RECORD_KEY_MISMATCH',
      detail: `the record is of trial ${JSON.stringify(line.record.key) ?? '(none)'}, not of this key`,
    };
  }
  if (recordSha256(line.record) !== line.recordSha256) {
    return {
      reason: 'RECORD_ALTERED',
      detail: 'the record does not match its recordSha256: it was changed after export',
    };
  }
  const record = recordShape.safeParse(line.record);
  if (!record.success)
    return { reason: 'INVALID_RECORD', detail: issueText(record.error, 'record') };
  return null;
}

function specProblem(spec: Record<string, unknown>): string | null {
  const shape = specShape.safeParse(spec);
  if (!shape.success) return issueText(shape.error, 'spec');
  let train;
  try {
    train = parseTrainConfig(spec.train);
  } catch (error) {
    return `spec.train: ${(error as Error).message}`;
  }
  // The planner writes the trainer's defaults into every spec; one without them has a key no
  // sweep asks for.
  if (canonicalJson(train) !== canonicalJson(spec.train)) {
    return 'spec.train is not a complete trainer configuration (it lacks defaults)';
  }
  return null;
}

function issueText(error: z.ZodError, root: string): string {
  const issue = error.issues[0]!;
  return `${[root, ...issue.path.map(String)].join('.')}: ${issue.message}`;
}
