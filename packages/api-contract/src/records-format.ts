import { z } from 'zod';
import { RecordsFormatError } from './records-format-error.js';

/**
 * A sweep's results as a file that outlives its Redis (`GET /v1/sweeps/:id/records`, `POST
 * /v1/records`): gzip-compressed JSON lines, each line canonical JSON (keys sorted, no spaces).
 * Line 1 is the header; every further line is one trial with a stored result. Version 1.
 */
export const RECORDS_FORMAT = 'seedsweep-records';
export const RECORDS_VERSION = 1;
export const RECORDS_MEDIA_TYPES = ['application/gzip', 'application/x-gzip'] as const;

const contentKey = z.string().regex(/^[0-9a-f]{64}$/, 'must be a 64-character hex SHA-256');

export const recordsHeaderSchema = z
  .object({
    format: z.literal(RECORDS_FORMAT),
    version: z.literal(RECORDS_VERSION),
    sweep: z
      .object({
        id: z.string(),
        name: z.string(),
        /** Part of every trial key: a deployment of another trainer reuses none of them. */
        trainerVersion: z.string().min(1),
        /** As stored: parsed, defaults filled in; submitting it again plans the same trials. */
        definition: z.record(z.string(), z.unknown()),
      })
      .strict(),
  })
  .strict();
export type RecordsHeader = z.infer<typeof recordsHeaderSchema>;

/**
 * One trial. `key` is the SHA-256 of the spec's canonical JSON (the trial's content key),
 * `recordSha256` the SHA-256 of the record's: together they let an importer refuse a line whose
 * spec or result was changed after export. Neither is a signature: whoever changes a line and
 * recomputes both hashes is not detected.
 */
export const recordLineSchema = z
  .object({
    key: contentKey,
    spec: z.record(z.string(), z.unknown()),
    record: z.record(z.string(), z.unknown()),
    recordSha256: contentKey,
  })
  .strict();
export type RecordLine = z.infer<typeof recordLineSchema>;

/** Why an importer refused one trial; the rest of the document is still imported. */
export const RECORD_REFUSALS = [
  'INVALID_SPEC',
  'KEY_MISMATCH',
  'RECORD_KEY_MISMATCH',
  'RECORD_ALTERED',
  'INVALID_RECORD',
] as const;

export const importResponseSchema = z.object({
  imported: z.number().int().describe('results written by this request'),
  alreadyPresent: z
    .number()
    .int()
    .describe('results this deployment already had under the same key: left as they were'),
  refused: z.array(
    z.object({
      line: z.number().int().describe('1-based line of the request body (the header is 1)'),
      key: z.string(),
      reason: z.enum(RECORD_REFUSALS),
      detail: z.string(),
    }),
  ),
  trainerVersion: z
    .string()
    .describe(
      "the trainer version this deployment trains: a sweep of another version reuses none of the file's results",
    ),
});
export type ImportResponse = z.infer<typeof importResponseSchema>;

/** The first line of a records document; throws RecordsFormatError naming what is wrong. */
export function parseRecordsHeader(text: string): RecordsHeader {
  const value = jsonLine(text, 1);
  const { format, version } = (value ?? {}) as { format?: unknown; version?: unknown };
  if (format !== RECORDS_FORMAT) {
    throw new RecordsFormatError(
      'structure',
      1,
      'format',
      `is ${JSON.stringify(format) ?? 'missing'}: not a ${RECORDS_FORMAT} header`,
    );
  }
  if (version !== RECORDS_VERSION) {
    throw new RecordsFormatError(
      'structure',
      1,
      'version',
      `${JSON.stringify(version) ?? 'missing'} is not a version this reads (${RECORDS_VERSION})`,
    );
  }
  return checked(recordsHeaderSchema, value, 1);
}

/** A trial line (2 and later); throws RecordsFormatError naming what is wrong. */
export function parseRecordLine(text: string, line: number): RecordLine {
  return checked(recordLineSchema, jsonLine(text, line), line);
}

function jsonLine(text: string, line: number): unknown {
  if (text.trim() === '') throw new RecordsFormatError('syntax', line, '(line)', 'is empty');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RecordsFormatError(
      'syntax',
      line,
      '(line)',
      `is not JSON (${(error as Error).message})`,
    );
  }
}

function checked<T>(schema: z.ZodType<T>, value: unknown, line: number): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map(String).join('.') || '(line)';
  throw new RecordsFormatError('structure', line, path, issue.message);
}
