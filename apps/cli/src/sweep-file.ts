import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileReadReason } from '@seedsweep/command-line';
import type { SweepFormat } from './api-client.js';
import { UsageError } from './usage-error.js';

const FORMAT_OF_EXTENSION: Record<string, SweepFormat> = {
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.json': 'json',
};

export interface SweepFile {
  text: string;
  format: SweepFormat;
}

/**
 * A sweep definition file as text: the API validates it, with line numbers, so the CLI does not
 * parse it. The extension picks the format; guessing from the content would turn a typo in the
 * file name into a confusing validation error.
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

/** The one positional argument of a command that takes a sweep file. */
export function sweepFileArgument(positionals: readonly string[], command: string): string {
  if (positionals.length === 0) {
    throw new UsageError(`${command} needs a sweep file (.yaml, .yml or .json)`);
  }
  if (positionals.length > 1) {
    throw new UsageError(`${command} takes one sweep file, got ${positionals.length} arguments`);
  }
  return positionals[0]!;
}
