#!/usr/bin/env node
import type { CommandContext, CommandResult } from './command.js';
import { parseEnv } from './env.js';
import { describeError, exitCodeFor } from './error-report.js';
import { UsageError } from './usage-error.js';

interface Command {
  path: string[];
  summary: string;
  /** Loaded when used, so `seedsweep status` never pays for loading TensorFlow.js. */
  load: () => Promise<{
    help: string;
    run: (args: string[], ctx: CommandContext) => Promise<CommandResult>;
  }>;
}

const commands: Command[] = [
  {
    path: ['run'],
    summary: 'run a sweep start to end here: progress, grid, figures',
    load: async () => {
      const m = await import('./commands/run.js');
      return { help: m.runHelp, run: m.runCommand };
    },
  },
  {
    path: ['start'],
    summary: 'run Redis, the API, the aggregator and workers here',
    load: async () => {
      const m = await import('./commands/start.js');
      return { help: m.startHelp, run: m.startCommand };
    },
  },
  {
    path: ['plan'],
    summary: 'what a sweep file would cost here, without submitting it',
    load: async () => {
      const m = await import('./commands/plan.js');
      return { help: m.planHelp, run: m.planCommand };
    },
  },
  {
    path: ['submit'],
    summary: 'submit a sweep file to the API (--watch follows it)',
    load: async () => {
      const m = await import('./commands/submit.js');
      return { help: m.submitHelp, run: m.submitCommand };
    },
  },
  {
    path: ['status'],
    summary: "the sweeps, or one sweep's state and ETA (--watch follows it)",
    load: async () => {
      const m = await import('./commands/status.js');
      return { help: m.statusHelp, run: m.statusCommand };
    },
  },
  {
    path: ['grid'],
    summary: "a sweep's gain per (tau, P), paired by seed",
    load: async () => {
      const m = await import('./commands/grid.js');
      return { help: m.gridHelp, run: m.gridCommand };
    },
  },
  {
    path: ['export'],
    summary: "a sweep's trials and results as CSV or JSON, or a records file",
    load: async () => {
      const m = await import('./commands/export.js');
      return { help: m.exportHelp, run: m.exportCommand };
    },
  },
  {
    path: ['import'],
    summary: 'load records files into the API and submit their sweeps',
    load: async () => {
      const m = await import('./commands/import.js');
      return { help: m.importHelp, run: m.importCommand };
    },
  },
  {
    path: ['findings'],
    summary: "the study's report (docs/findings.md) from committed records files",
    load: async () => {
      const m = await import('./commands/findings.js');
      return { help: m.findingsHelp, run: m.findingsCommand };
    },
  },
  {
    path: ['retry'],
    summary: "run a sweep's failed trials again (of either class)",
    load: async () => {
      const m = await import('./commands/retry.js');
      return { help: m.retryHelp, run: m.retryCommand };
    },
  },
  {
    path: ['cancel'],
    summary: 'cancel a sweep (results already in stay)',
    load: async () => {
      const m = await import('./commands/cancel.js');
      return { help: m.cancelHelp, run: m.cancelCommand };
    },
  },
  {
    path: ['data', 'stats'],
    summary: 'craters and split sizes per region',
    load: async () => {
      const m = await import('./commands/data-stats.js');
      return { help: m.dataStatsHelp, run: m.dataStats };
    },
  },
  {
    path: ['train'],
    summary: 'train the crater CNN once (baseline or RandomOut)',
    load: async () => {
      const m = await import('./commands/train.js');
      return { help: m.trainHelp, run: m.trainCommand };
    },
  },
  {
    path: ['bench', 'trainer'],
    summary: 'seconds per West epoch per engine, against PyTorch and the core peak',
    load: async () => (await import('./commands/bench.js')).benchCommand('trainer'),
  },
  {
    path: ['bench', 'workers'],
    summary: 'trials per hour of 1 and 2 workers, and RSS per trial',
    load: async () => (await import('./commands/bench.js')).benchCommand('workers'),
  },
  {
    path: ['bench', 'api'],
    summary: 'a 100,000-trial submission, and the grid under 100 clients',
    load: async () => (await import('./commands/bench.js')).benchCommand('api'),
  },
  {
    path: ['bench', 'engines'],
    summary: 'the same seeds on the kernels and on tfjs: do their accuracies agree?',
    load: async () => (await import('./commands/bench.js')).benchCommand('engines'),
  },
  {
    path: ['bench', 'sweep'],
    summary: 'a sweep cut short: trainings and core-seconds against the naive count',
    load: async () => (await import('./commands/bench.js')).benchCommand('sweep'),
  },
  {
    path: ['bench', 'fairness'],
    summary: 'a small sweep behind a large one, fair share against FIFO; two keys sharing',
    load: async () => (await import('./commands/bench.js')).benchCommand('fairness'),
  },
  {
    path: ['bench'],
    summary: 'trainer, workers, api and sweep in turn (one JSON with --out)',
    load: async () => (await import('./commands/bench.js')).benchCommand('all'),
  },
];

const usage = `Usage: seedsweep <command> [options]

Commands:
${commands.map((c) => `  ${c.path.join(' ').padEnd(16)}${c.summary}`).join('\n')}

Run 'seedsweep <command> --help' for a command's options.
Environment: SEEDSWEEP_URL (the API, default http://127.0.0.1:8080), SEEDSWEEP_API_KEY (its
key, if it has keys); for start and run: REDIS_URL, PORT, WORKERS; CRATER_DATA_DIR,
SEEDSWEEP_ENGINE (auto|native|wasm), SEEDSWEEP_CACHE_DIR.`;

function findCommand(argv: string[]): { command: Command; args: string[] } | null {
  for (const command of commands) {
    if (command.path.every((word, i) => argv[i] === word)) {
      return { command, args: argv.slice(command.path.length) };
    }
  }
  return null;
}

/** SEEDSWEEP_DEBUG adds stack traces to errors (set once the environment is parsed). */
let debug = false;

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(usage + '\n');
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) throw new UsageError(`unknown command '${argv.join(' ')}'; run 'seedsweep --help'`);
  const command = await found.command.load();
  if (found.args.includes('--help') || found.args.includes('-h')) {
    process.stdout.write(command.help + '\n');
    return 0;
  }
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\nseedsweep: ${signal}, stopping (again to force)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const env = parseEnv(process.env);
  debug = env.debug;
  const ctx: CommandContext = {
    env,
    out: (line) => process.stdout.write(line + '\n'),
    log: (line) => process.stderr.write(line + '\n'),
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
  };
  return (await command.run(found.args, ctx)) ?? 0;
}

// `seedsweep ... | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`seedsweep: ${describeError(error)}\n`);
    if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = exitCodeFor(error);
  },
);
