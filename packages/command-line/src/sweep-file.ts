import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileReadReason } from './file-read-reason.js';
import { UsageError } from './usage-error.js';

export type SweepFileFormat = 'yaml' | 'json';

const FORMAT_OF_EXTENSION: Record<string, SweepFileFormat> = {
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.json': 'json',
};

export interface SweepFile {
  text: string;
  format: SweepFileFormat;
}

/**
 * A sweep definition file as text: the API validates it, with line numbers, so the commands do
 * not parse it. The extension picks the format; guessing from the content would turn a typo in
 * the file name into a confusing validation error.
 */
export async function readSweepFile(file: string): Promise<SweepFile> {
  const extension = path.extname(file).toLowerCase();
  const format = FORMAT_OF_EXTENSION[extension];
  if (!format) {
    throw new UsageError(
      `cannot tell the format of '${file}' from its extension '${extension || '(none)'}'; name it .yaml, .yml or .json`,
    );
  }
  try {
    return { text: await readFile(file, 'utf8'), format };
  } catch (error) {
    throw new UsageError(`cannot read sweep file '${file}': ${fileReadReason(error)}`);
  }
}
