import { UsageError } from './usage-error.js';

export { readSweepFile, type SweepFile } from '@seedsweep/command-line';

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
