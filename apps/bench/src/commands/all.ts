import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { apiBenchmark } from './api.js';
import {
  benchContext,
  type BenchCommand,
  type BenchCommandContext,
  type Benchmark,
} from './bench-command.js';
import { sweepBenchmark } from './sweep.js';
import { trainerBenchmark } from './trainer.js';
import { workersBenchmark } from './workers.js';

const help = `Usage: seedsweep bench [--out F] [--no-torch]

Runs every benchmark in turn and prints each: the trainer (seconds per West epoch, against
PyTorch in the same run where python3 with torch is installed), the workers (trials per hour of
1 and 2 workers, RSS per trial), the API (a 100,000-trial submission, the grid under 100
clients) and a sweep (examples/paper-fig3-standardised.yaml cut to 5 seeds and 30 epochs: what
was trained against the naive count). About 5 minutes on two cores. Each also runs alone: seedsweep bench
trainer|workers|api|sweep.

  --out F       write all the figures as one JSON document to F
  --no-torch    skip the PyTorch peer`;

/** The benchmarks, in the order they run, each with its defaults. */
const BENCHMARKS = [
  { name: 'trainer', benchmark: trainerBenchmark, options: (torch: boolean) => ({ torch }) },
  { name: 'workers', benchmark: workersBenchmark, options: () => ({}) },
  { name: 'api', benchmark: apiBenchmark, options: () => ({}) },
  { name: 'sweep', benchmark: sweepBenchmark, options: () => ({}) },
] as const;

/** Exit code 1 when a benchmark's own check failed (a verified result that differs). */
export const allCommand: BenchCommand = {
  help,
  async run(args: string[], ctx: BenchCommandContext): Promise<number> {
    const { values } = parseArgs({
      args,
      options: { out: { type: 'string' }, 'no-torch': { type: 'boolean' } },
      strict: true,
    });
    const report: Record<string, unknown> = { measuredAt: new Date().toISOString() };
    let exitCode = 0;
    for (const { name, benchmark, options } of BENCHMARKS) {
      ctx.out(`\n== bench ${name}`);
      const run = benchmark as Benchmark<object, unknown>;
      const result = await run.run(options(values['no-torch'] !== true), benchContext(ctx, false));
      run.text(result, ctx.out);
      exitCode = Math.max(exitCode, run.exitCode?.(result) ?? 0);
      report[name] = result;
    }
    if (values.out) {
      await writeFile(values.out, JSON.stringify(report, null, 2) + '\n');
      ctx.log(`figures written to ${values.out}`);
    }
    return exitCode;
  },
};
