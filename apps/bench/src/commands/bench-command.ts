import { writeFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createProgress } from '@seedsweep/command-line';
import type { BenchContext, BenchSettings, StartDeployment } from '../context.js';

/** What `seedsweep bench ...` gives a benchmark's command: the CLI's environment and output. */
export interface BenchCommandContext {
  settings: BenchSettings;
  /** A line of the result, to stdout. */
  out: (line: string) => void;
  /** A line of commentary, to stderr. */
  log: (line: string) => void;
  /** Where progress goes: a bar on a terminal, plain lines otherwise. */
  stderr: NodeJS.WriteStream;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  startDeployment: StartDeployment;
}

export interface BenchCommand {
  help: string;
  /** The exit code: 1 when a benchmark's own check failed. */
  run(args: string[], ctx: BenchCommandContext): Promise<number>;
}

export type FlagValues = Record<string, string | boolean | undefined>;

/** A benchmark as a command: its flags, its run, its report as text. */
export interface Benchmark<Options, Report> {
  help: string;
  /** Its own flags; every benchmark also takes --out F and --json. */
  flags: NonNullable<ParseArgsConfig['options']>;
  options(values: FlagValues): Options;
  run(options: Options, ctx: BenchContext): Promise<Report>;
  text(report: Report, out: (line: string) => void): void;
  /** 1 when the report says the benchmark's own check failed. */
  exitCode?(report: Report): number;
}

/**
 * The benchmark's context: `quiet` (--json) leaves out the commentary, the services' warnings
 * and the progress, so that stdout is the JSON alone and stderr empty.
 */
export function benchContext(ctx: BenchCommandContext, quiet: boolean): BenchContext {
  return {
    settings: ctx.settings,
    log: quiet ? () => {} : ctx.log,
    progress: (label, total) => createProgress(label, total, ctx.stderr, quiet),
    signal: ctx.signal,
    startDeployment: ctx.startDeployment,
  };
}

/** Parses the flags, runs, writes the JSON to --out, prints the JSON (--json) or the text. */
export function benchCommand<Options, Report>(benchmark: Benchmark<Options, Report>): BenchCommand {
  return {
    help: benchmark.help,
    async run(args, ctx) {
      const { values } = parseArgs({
        args,
        options: { ...benchmark.flags, out: { type: 'string' }, json: { type: 'boolean' } },
        strict: true,
      });
      const flags = values as FlagValues;
      const options = benchmark.options(flags);
      const quiet = flags.json === true;
      const report = await benchmark.run(options, benchContext(ctx, quiet));
      if (typeof flags.out === 'string') {
        await writeFile(flags.out, JSON.stringify(report, null, 2) + '\n');
      }
      if (quiet) ctx.out(JSON.stringify(report));
      else benchmark.text(report, ctx.out);
      return benchmark.exitCode?.(report) ?? 0;
    },
  };
}
