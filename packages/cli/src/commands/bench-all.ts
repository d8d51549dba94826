import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CommandContext } from '../command.js';
import { benchApi } from './bench-api.js';
import { benchTrainer } from './bench-trainer.js';
import { benchWorkers } from './bench-workers.js';

export const benchAllHelp = `Usage: seedsweep bench [--out F] [--no-torch]

Runs every benchmark in turn and prints each: the trainer (seconds per West epoch, against
PyTorch in the same run where python3 with torch is installed), the workers (trials per hour of
1 and 2 workers, RSS per trial) and the API (a 100,000-trial submission, the grid under 100
clients). About 4 minutes on two cores. Each also runs alone: seedsweep bench trainer|workers|api.

  --out F       write all the figures as one JSON document to F
  --no-torch    skip the PyTorch peer`;

/** The benchmarks, in the order they run, each writing its JSON to the file given by --out. */
const BENCHMARKS = [
  { name: 'trainer', run: benchTrainer, args: (torch: boolean) => (torch ? [] : ['--no-torch']) },
  { name: 'workers', run: benchWorkers, args: () => [] },
  { name: 'api', run: benchApi, args: () => [] },
] as const;

export async function benchAll(args: string[], ctx: CommandContext): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { out: { type: 'string' }, 'no-torch': { type: 'boolean' } },
    strict: true,
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-bench-'));
  try {
    const report: Record<string, unknown> = { measuredAt: new Date().toISOString() };
    for (const { name, run, args: extra } of BENCHMARKS) {
      ctx.out(`\n== bench ${name}`);
      const file = path.join(dir, `${name}.json`);
      await run([...extra(values['no-torch'] !== true), '--out', file], ctx);
      report[name] = JSON.parse(await readFile(file, 'utf8'));
    }
    if (values.out) {
      await writeFile(values.out, JSON.stringify(report, null, 2) + '\n');
      ctx.log(`figures written to ${values.out}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
