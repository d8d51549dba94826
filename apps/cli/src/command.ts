import type { CliEnv } from './env.js';

/** What every command gets: its environment and where to write. */
export interface CommandContext {
  env: CliEnv;
  /** A line of the command's result, to stdout. */
  out: (line: string) => void;
  /** A line of commentary, to stderr (so stdout stays machine-readable). */
  log: (line: string) => void;
  /** For results streamed as they arrive (an export), not line by line. */
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
}

/** A command's exit code; nothing means 0. */
export type CommandResult = number | void;
