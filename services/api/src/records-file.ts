import { pipeline, Readable, Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import { RECORDS_FORMAT, RECORDS_VERSION, type RecordsHeader } from '@seedsweep/api-contract';
import type { SweepRecord, SweepStore } from '@seedsweep/store';
import { canonicalJson, recordSha256, type Trial } from '@seedsweep/sweep-spec';

/** Trials whose results are read in one pipeline and written as one chunk. */
const BATCH = 500;

/**
 * Fixed, so the same results always compress to the same bytes. zlib's own header has no
 * mtime or name, but its OS byte is the build's platform: set to 255 (unknown, RFC 1952) so a
 * file exported on macOS equals one exported on Linux.
 */
const GZIP_OPTIONS: zlib.ZlibOptions = {
  level: 6,
  memLevel: 8,
  windowBits: 15,
  strategy: zlib.constants.Z_DEFAULT_STRATEGY,
};
const GZIP_OS_OFFSET = 9;
const GZIP_OS_UNKNOWN = 0xff;

/**
 * A sweep's records file (see api-contract's records-format): the header, then every trial of
 * the plan that has a result, in plan order, as canonical JSON lines, gzip-compressed. Nothing
 * in it depends on when or where it is exported, so the same results give the same bytes.
 */
export function recordsFile(sweep: SweepRecord, trials: readonly Trial[], store: SweepStore) {
  let offset = 0;
  const fixOsByte = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (offset <= GZIP_OS_OFFSET && offset + chunk.length > GZIP_OS_OFFSET) {
        chunk = Buffer.from(chunk);
        chunk[GZIP_OS_OFFSET - offset] = GZIP_OS_UNKNOWN;
      }
      offset += chunk.length;
      callback(null, chunk);
    },
  });
  // An error (Redis gone mid-way) destroys the last stream, which cuts the response short: the
  // client's gunzip then fails on the missing trailer instead of reading a partial file as whole.
  return pipeline(
    Readable.from(recordLines(sweep, trials, store)),
    zlib.createGzip(GZIP_OPTIONS),
    fixOsByte,
    () => undefined,
  );
}

async function* recordLines(
  sweep: SweepRecord,
  trials: readonly Trial[],
  store: SweepStore,
): AsyncGenerator<string> {
  const header: RecordsHeader = {
    format: RECORDS_FORMAT,
    version: RECORDS_VERSION,
    sweep: {
      id: sweep.id,
      name: sweep.name,
      trainerVersion: sweep.trainerVersion,
      definition: sweep.definition as unknown as Record<string, unknown>,
    },
  };
  yield canonicalJson(header) + '\n';
  for (let i = 0; i < trials.length; i += BATCH) {
    const batch = trials.slice(i, i + BATCH);
    const outcomes = await store.getOutcomes(batch.map((t) => t.key));
    let text = '';
    for (const [j, { key, spec }] of batch.entries()) {
      const record = outcomes[j]!.result;
      // Failures are not results: a later session trains those trials again.
      if (!record) continue;
      text += canonicalJson({ key, spec, record, recordSha256: recordSha256(record) }) + '\n';
    }
    if (text) yield text;
  }
}
