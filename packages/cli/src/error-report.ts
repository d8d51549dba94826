import { CraterDataError } from '@seedsweep/crater-data';
// The errors alone: loading the trainer itself would load TensorFlow.js for every command.
import { TrainerError, TrainingAbortedError } from '@seedsweep/trainer/errors';
import { ApiClientError } from './api-errors.js';
import { OutputFileError } from './atomic-file.js';
import { EnvError } from './env.js';
import { InterruptedError } from './interrupted-error.js';
import { RecordsFileError } from './records-file-error.js';
import { UsageError } from './usage-error.js';

/** Exit code 2: the command line or the environment is wrong; 130: Ctrl-C; 1: anything else. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof EnvError) return 2;
  if (isParseArgsError(error)) return 2;
  if (error instanceof TrainingAbortedError || error instanceof InterruptedError) return 130;
  return 1;
}

/** An error as the one line printed after `seedsweep: `; typed errors end with their code. */
export function describeError(error: unknown): string {
  if (error instanceof UsageError || error instanceof EnvError) return error.message;
  if (
    error instanceof TrainerError ||
    error instanceof CraterDataError ||
    error instanceof ApiClientError ||
    error instanceof InterruptedError ||
    error instanceof OutputFileError ||
    error instanceof RecordsFileError
  ) {
    return `${oneLine(error.message)} [${error.code}]`;
  }
  if (isParseArgsError(error)) return oneLine((error as Error).message);
  return `unexpected error: ${oneLine((error as Error)?.message ?? String(error))}`;
}

function isParseArgsError(error: unknown): boolean {
  return Boolean((error as { code?: string } | null)?.code?.startsWith('ERR_PARSE_ARGS'));
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
