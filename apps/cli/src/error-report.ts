import { CraterDataError } from '@seedsweep/crater-data';
// The errors alone: loading the trainer itself would load TensorFlow.js for every command.
import { TrainerError, TrainingAbortedError } from '@seedsweep/trainer/errors';
import { ApiClientError, ApiProblemError } from './api-errors.js';
import { OutputFileError } from './atomic-file.js';
import { EnvError } from './env.js';
import { InterruptedError } from './interrupted-error.js';
import { LocalServiceStoppedError } from './local-service-stopped-error.js';
import { RecordsFileError } from './records-file-error.js';
import { UsageError } from './usage-error.js';

/**
 * Problems the API finds in what the user gave it (the sweep file, the id, the key): like a bad
 * flag, they are fixed by changing the command or its configuration, not by running it again.
 */
const USER_INPUT_PROBLEMS = new Set([
  'INVALID_SWEEP',
  'SWEEP_TOO_LARGE',
  'INVALID_RECORDS',
  'MALFORMED_BODY',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INVALID_REQUEST',
  'SWEEP_NOT_FOUND',
  'UNKNOWN_CELL',
  'API_KEY_REQUIRED',
  'API_KEY_INVALID',
  'API_KEY_READ_ONLY',
  // The sweep as written is not this key's to submit: change its priority, or split it.
  'PRIORITY_NOT_ALLOWED',
  'SWEEP_OVER_QUOTA',
]);

/**
 * Exit code 2: the command line, the sweep file or the configuration is wrong; 130: Ctrl-C;
 * 1: anything else (trials that failed, an API or Redis that is down).
 */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof EnvError) return 2;
  // A records file that cannot be read is the user's input, wherever it is found wrong.
  if (error instanceof RecordsFileError) return 2;
  if (error instanceof ApiProblemError && USER_INPUT_PROBLEMS.has(error.code)) return 2;
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
    error instanceof LocalServiceStoppedError ||
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
