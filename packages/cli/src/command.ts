import type { CliEnv } from './env.js';

/** What every command gets: its environment and where to write. */
export interface CommandContext {
  env: CliEnv;
  /** A line of the command's result, to stdout. */
  out: (line: string) => void;
  /** A line of commentary, to stderr (so stdout stays machine-readable). */
  log: (line: string) => void;
  stderr: NodeJS.WriteStream;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
}
