import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ApiClient } from '../api-client.js';
import type { GroupGrid, StoredGrid } from '../api-types.js';
import { writeFileAtomically } from '../atomic-file.js';
import type { CommandContext, CommandResult } from '../command.js';
import { checkDataset } from '../dataset.js';
import { resubmissionText } from '../failure-report.js';
import { readSweepFile } from '../sweep-file.js';
import { UsageError } from '../usage-error.js';
import { watchToEnd } from '../watch-to-end.js';
import { LocalStack } from './start.js';

export const runHelp = `Usage: seedsweep run <sweep.yaml|sweep.json> [--out DIR] [--workers N]

Runs a sweep from start to end on this machine. Uses the API at SEEDSWEEP_URL when one answers;
otherwise starts Redis, the API, the aggregator and the workers (as 'seedsweep start' does) and
stops them at the end. Shows progress, prints the grid, and writes to DIR (default
results/<sweep id>): grid.json, grid.svg (Figure 3), seeds-<group>.svg (Figure 4, at each
group's best cell) and trials.csv. Exit code 0 when every trial is done.

  --out DIR     where the results go
  --workers N   worker processes when it starts its own (default WORKERS, else 1)`;

const options = {
  out: { type: 'string' },
  workers: { type: 'string' },
} as const;

export async function runCommand(args: string[], ctx: CommandContext): Promise<CommandResult> {
  const { values, positionals } = parseArgs({
    args,
    options,
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length !== 1)
    throw new UsageError('run needs one sweep file (.yaml, .yml or .json)');
  const workers = values.workers === undefined ? ctx.env.workers : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
    throw new UsageError(`--workers must be a whole number from 1 to 256, got '${values.workers}'`);
  }
  const file = await readSweepFile(positionals[0]!);
  const client = ApiClient.forCommand(ctx);
  const ownStack = !(await answers(ctx.env.apiUrl));
  // Its workers read the dataset as this process does: without it, no trial could train.
  if (ownStack) await checkDataset(ctx.env, ctx.log);
  const stack = !ownStack
    ? null
    : await LocalStack.start(ctx, {
        workers,
        port: localPort(ctx.env.apiUrl),
        warningsOnly: true,
      });
  if (stack)
    ctx.log(
      `started Redis (${stack.redisOrigin}), the API, the aggregator and ${workers} worker(s)`,
    );
  else ctx.log(`using the API at ${ctx.env.apiUrl}`);
  try {
    const { response } = await client.submit(file.text, file.format);
    ctx.log(
      `submitted sweep ${response.id} "${response.name}": ${response.trials} trials, ${response.reused} reused, ${response.enqueued} enqueued${response.pending > 0 ? `, ${response.pending} more being enqueued` : ''}${resubmissionText(response)}`,
    );
    const { exitCode } = await watchToEnd(client, response.id, ctx);
    const dir = path.resolve(values.out ?? path.join('results', response.id));
    await writeResults(client, response.id, dir, ctx);
    ctx.out(response.id);
    return exitCode;
  } finally {
    if (stack) {
      ctx.log('stopping the services');
      await stack.stop();
    }
  }
}

async function writeResults(client: ApiClient, id: string, dir: string, ctx: CommandContext) {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const write = async (name: string, content: AsyncIterable<Uint8Array | string> | string) => {
    const file = path.join(dir, name);
    await writeFileAtomically(file, typeof content === 'string' ? once(content) : content);
    written.push(path.relative(process.cwd(), file) || file);
  };
  const stored: StoredGrid | null = await client.grid(id).catch(() => null);
  if (stored) {
    await write('grid.json', `${JSON.stringify(stored, null, 2)}\n`);
    await write('grid.svg', await client.figure(id, 'grid.svg'));
    for (const group of stored.grid.groups) {
      const { tau, activePercent } = bestCell(group);
      const query = new URLSearchParams({
        group: group.id,
        tau: String(tau),
        p: String(activePercent),
      });
      const name = `seeds-${group.id.replace(/[^A-Za-z0-9.=-]+/g, '_')}.svg`;
      await write(name, await client.figure(id, `seeds.svg?${query}`));
    }
  }
  await write('trials.csv', client.trialsCsv(id));
  ctx.log(`results: ${written.join(', ')}`);
}

/** The cell with the largest mean gain (Figure 4 shows the best settings), else the first. */
function bestCell(group: GroupGrid): { tau: number; activePercent: number } {
  let best = group.cells[0]![0]!;
  for (const row of group.cells) {
    for (const cell of row) {
      if (cell.meanGain !== null && (best.meanGain === null || cell.meanGain > best.meanGain))
        best = cell;
    }
  }
  return { tau: best.tau, activePercent: best.activePercent };
}

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}

async function answers(apiUrl: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/readyz', apiUrl), {
      signal: AbortSignal.timeout(1_000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

/** The port to start the API on: SEEDSWEEP_URL's, which must then point at this machine. */
function localPort(apiUrl: string): number {
  const url = new URL(apiUrl);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new UsageError(
      `no API answers at SEEDSWEEP_URL=${apiUrl}, and it is not this machine, so run cannot start one there`,
    );
  }
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}
