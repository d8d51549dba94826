import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CommandContext, CommandResult } from '../command.js';
import { benchApi } from './bench-api.js';
import { benchSweep } from './bench-sweep.js';
import { benchTrainer } from './bench-trainer.js';
import { benchWorkers } from './bench-workers.js';

export const benchAllHelp = `Usage: seedsweep bench [--out F] [--no-torch]

Runs every benchmark in turn and prints each: the trainer (seconds per West epoch, against
PyTorch in the same run where python3 with torch is installed), the workers (trials per hour of
1 and 2 workers, RSS per trial), the API (a 100,000-trial submission, the grid under 100
clients) and a sweep (examples/paper-fig3-standardised.yaml cut to 5 seeds and 30 epochs: what
was trained against the naive count). About 5 minutes on two cores. Each also runs alone: seedsweep bench
trainer|workers|api|sweep.

  --out F       write all the figures as one JSON document to F
  --no-torch    skip the PyTorch peer`;

/** The benchmarks, in the order they run, each writing its JSON to the file given by --out. */
const BENCHMARKS = [
  { name: 'trainer', run: benchTrainer, args: (torch: boolean) => (torch ? [] : ['--no-torch']) },
  { name: 'workers', run: benchWorkers, args: () => [] },
  { name: 'api', run: benchApi, args: () => [] },
  { name: 'sweep', run: benchSweep, args: () => [] },
] as const;

/** Exit code 1 when a benchmark's own check failed (a verified result that differs). */
export async function benchAll(args: string[], ctx: CommandContext): Promise<CommandResult> {
  const { values } = parseArgs({
    args,
    options: { out: { type: 'string' }, 'no-torch': { type: 'boolean' } },
    strict: true,
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-bench-'));
  try {
    const report: Record<string, unknown> = { measuredAt: new Date().toISOString() };
    let exitCode = 0;
    for (const { name, run, args: extra } of BENCHMARKS) {
      ctx.out(`\n== bench ${name}`);
      const file = path.join(dir, `${name}.json`);
      const code = await run([...extra(values['no-torch'] !== true), '--out', file], ctx);
      exitCode = Math.max(exitCode, code ?? 0);
      report[name] = JSON.parse(await readFile(file, 'utf8'));
    }
    if (values.out) {
      await writeFile(values.out, JSON.stringify(report, null, 2) + '\n');
      ctx.log(`figures written to ${values.out}`);
    }
    return exitCode;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
