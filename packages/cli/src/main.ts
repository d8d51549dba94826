#!/usr/bin/env node
import { CraterDataError } from '@seedsweep/crater-data';
import { TrainerError, TrainingAbortedError } from '@seedsweep/trainer';
import type { CommandContext } from './command.js';
import { benchTrainer, benchTrainerHelp } from './commands/bench-trainer.js';
import { dataStats, dataStatsHelp } from './commands/data-stats.js';
import { trainCommand, trainHelp } from './commands/train.js';
import { EnvError, parseEnv } from './env.js';
import { UsageError } from './usage-error.js';

interface Command {
  path: string[];
  summary: string;
  help: string;
  run: (args: string[], ctx: CommandContext) => Promise<void>;
}

const commands: Command[] = [
  {
    path: ['data', 'stats'],
    summary: 'craters and split sizes per region',
    help: dataStatsHelp,
    run: dataStats,
  },
  {
    path: ['train'],
    summary: 'train the crater CNN once (baseline or RandomOut)',
    help: trainHelp,
    run: trainCommand,
  },
  {
    path: ['bench', 'trainer'],
    summary: 'seconds per West epoch, against PyTorch',
    help: benchTrainerHelp,
    run: benchTrainer,
  },
  {
    path: ['bench'],
    summary: 'all benchmarks (today: the trainer)',
    help: benchTrainerHelp,
    run: benchTrainer,
  },
];

const usage = `Usage: seedsweep <command> [options]

Commands:
${commands.map((c) => `  ${c.path.join(' ').padEnd(16)}${c.summary}`).join('\n')}

Run 'seedsweep <command> --help' for a command's options.
Environment: CRATER_DATA_DIR, TRAINER_BACKEND (auto|tensorflow|wasm|cpu), SEEDSWEEP_CACHE_DIR.`;

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
  if (found.args.includes('--help') || found.args.includes('-h')) {
    process.stdout.write(found.command.help + '\n');
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
    stderr: process.stderr,
    signal: controller.signal,
  };
  await found.command.run(found.args, ctx);
  return 0;
}

function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof EnvError) return 2;
  if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) return 2;
  if (error instanceof TrainingAbortedError) return 130;
  return 1;
}

function describe(error: unknown): string {
  if (error instanceof UsageError || error instanceof EnvError) return error.message;
  if (error instanceof TrainerError || error instanceof CraterDataError)
    return `${error.message} [${error.code}]`;
  if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    return (error as Error).message.replace(/\s*\n\s*/g, ' ');
  }
  return `unexpected error: ${(error as Error)?.message ?? String(error)}`;
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
    process.stderr.write(`seedsweep: ${describe(error)}\n`);
    if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = exitCodeFor(error);
  },
);
