import type { BenchCommand } from './bench-command.js';

export type { BenchCommand, BenchCommandContext } from './bench-command.js';

/** `seedsweep bench <name>`, and `all` for `seedsweep bench` alone. */
export type BenchCommandName =
  'trainer' | 'engines' | 'workers' | 'sweep' | 'api' | 'fairness' | 'all';

/**
 * The command-line of the benchmarks (help, flags, text or --json), for `seedsweep bench`. Only
 * the benchmark asked for is loaded.
 */
export async function loadBenchCommand(name: BenchCommandName): Promise<BenchCommand> {
  switch (name) {
    case 'trainer':
      return (await import('./trainer.js')).trainerCommand;
    case 'engines':
      return (await import('./engines.js')).enginesCommand;
    case 'workers':
      return (await import('./workers.js')).workersCommand;
    case 'sweep':
      return (await import('./sweep.js')).sweepCommand;
    case 'api':
      return (await import('./api.js')).apiCommand;
    case 'fairness':
      return (await import('./fairness.js')).fairnessCommand;
    case 'all':
      return (await import('./all.js')).allCommand;
  }
}
