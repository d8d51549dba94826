import { UsageError } from './usage-error.js';

/** The API's sweep ids: `sw-<base-36 ms>-<10 hex>`. Checked here so a typo never makes a request. */
export const SWEEP_ID_PATTERN = /^sw-[0-9a-z]+-[0-9a-f]{10}$/;

export function checkSweepId(id: string): string {
  if (!SWEEP_ID_PATTERN.test(id)) {
    throw new UsageError(
      `'${id}' is not a sweep id (they look like sw-mi2x7k1c-3f9a0b12cd); 'seedsweep status' lists them`,
    );
  }
  return id;
}

/** The one positional argument of a command that takes a sweep id. */
export function sweepIdArgument(positionals: string[], command: string): string {
  if (positionals.length === 0) throw new UsageError(`${command} needs a sweep id`);
  if (positionals.length > 1) {
    throw new UsageError(`${command} takes one sweep id, got ${positionals.length} arguments`);
  }
  return checkSweepId(positionals[0]!);
}
