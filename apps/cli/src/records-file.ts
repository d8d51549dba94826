import { createReadStream } from 'node:fs';
import { gzipSync, createGunzip } from 'node:zlib';
import {
  parseRecordLine,
  parseRecordsHeader,
  RecordsFormatError,
  type RecordsHeader,
} from '@seedsweep/api-contract';
import { fileReadReason } from '@seedsweep/command-line';
import { RecordsFileError } from './records-file-error.js';
import { UsageError } from './usage-error.js';

/**
 * What one request carries at most, decompressed: far below the API's 32 MiB per request, so a
 * part is checked and written in well under a second and a records file of any size is
 * imported in bounded memory on both sides. A single larger line goes alone.
 */
const PART_BYTES = 4 * 1024 * 1024;
const PART_LINES = 1_000;

/** A records file that was read whole and found well-formed. */
export interface CheckedRecordsFile {
  file: string;
  header: RecordsHeader;
  /** The header's line as written. */
  headerText: string;
  /** Its trial lines. */
  trials: number;
}

/** A piece of a records file sent as one request: a records document of its own. */
export interface RecordsPart {
  /** Gzip of the header and `lines` trial lines. */
  body: Buffer;
  /** Line of the file that is line 2 of the part (its first trial). */
  firstLine: number;
  lines: number;
}

/**
 * Reads the whole file and checks every line's form (as the API does) without keeping it, so
 * that a malformed file is refused before anything of it is sent. Whether each trial's key and
 * hashes match is the API's to check.
 */
export async function checkRecordsFile(file: string): Promise<CheckedRecordsFile> {
  let header: RecordsHeader | undefined;
  let headerText = '';
  let line = 0;
  try {
    for await (const text of fileLines(file)) {
      line++;
      if (line === 1) {
        header = parseRecordsHeader(text);
        headerText = text;
      } else parseRecordLine(text, line);
    }
  } catch (error) {
    if (error instanceof RecordsFormatError) throw new RecordsFileError(`${file} ${error.message}`);
    throw error;
  }
  if (!header) throw new RecordsFileError(`${file} is empty: it has no records header`);
  return { file, header, headerText, trials: line - 1 };
}

/** The header alone, as a document: the API checks it (and its sweep) and writes nothing. */
export function headerPart(checked: CheckedRecordsFile): Buffer {
  return gzipSync(checked.headerText + '\n', { level: 1 });
}

/** The file's trials in parts of at most PART_BYTES or PART_LINES, each after the header. */
export async function* recordsParts(file: string): AsyncGenerator<RecordsPart> {
  let headerText = '';
  let texts: string[] = [];
  let bytes = 0;
  let line = 0;
  let firstLine = 2;
  const part = (): RecordsPart => ({
    body: gzipSync(headerText + texts.join('\n') + '\n', { level: 1 }),
    firstLine,
    lines: texts.length,
  });
  for await (const text of fileLines(file)) {
    line++;
    if (line === 1) {
      headerText = text + '\n';
      continue;
    }
    const size = Buffer.byteLength(text) + 1;
    if (texts.length > 0 && (bytes + size > PART_BYTES || texts.length === PART_LINES)) {
      yield part();
      texts = [];
      bytes = 0;
      firstLine = line;
    }
    texts.push(text);
    bytes += size;
  }
  if (texts.length > 0) yield part();
}

/** The decompressed file, line by line, read as a stream: a file may be larger than memory. */
async function* fileLines(file: string): AsyncGenerator<string> {
  const source = createReadStream(file);
  const gunzip = createGunzip();
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const text = decoder.decode(chunk, { stream: true });
      const end = text.lastIndexOf('\n');
      if (end === -1) {
        rest += text;
        continue;
      }
      const lines = (rest + text.slice(0, end)).split('\n');
      rest = text.slice(end + 1);
      yield* lines;
    }
    rest += decoder.decode();
  } catch (error) {
    throw readError(file, error);
  } finally {
    source.destroy();
  }
  if (rest !== '') yield rest;
}

function readError(file: string, error: unknown): Error {
  const { code, syscall } = error as NodeJS.ErrnoException;
  if (syscall)
    return new UsageError(`cannot read records file '${file}': ${fileReadReason(error)}`);
  if (code === 'ERR_ENCODING_INVALID_ENCODED_DATA') {
    return new RecordsFileError(`${file} is not UTF-8 text`);
  }
  return new RecordsFileError(
    `${file} is not gzip data (${(error as Error).message}); 'seedsweep export <id> --records' writes records files`,
  );
}
