import path from 'node:path';
import { parseArgs } from 'node:util';
import { ApiClient } from '../api-client.js';
import type { CommandContext, CommandResult } from '../command.js';
import { checkDataset } from '../dataset.js';
import { resubmissionText } from '../failure-report.js';
import { LocalServiceStoppedError } from '../local-service-stopped-error.js';
import { checkResultsDir, defaultResultsDir } from '../results-dir.js';
import { readSweepFile } from '../sweep-file.js';
import { UsageError } from '../usage-error.js';
import { watchToEnd } from '../watch-to-end.js';
import { writeResults } from '../write-results.js';
import { LocalStack } from './start.js';

export const runHelp = `Usage: seedsweep run <sweep.yaml|sweep.json> [--out DIR] [--workers N]

Runs a sweep from start to end on this machine. Uses the API at SEEDSWEEP_URL when one answers;
otherwise starts Redis, the API, the aggregator and the workers (as 'seedsweep start' does) and
stops them at the end. Shows progress, prints the grid, and writes to DIR (default
results/<sweep name>, the latest run of that name): sweep.json (its id, state and counts),
grid.json, grid.svg and grid.png (Figure 3), seeds-<group>.svg and .png (Figure 4, at each
group's best cell) and trials.csv. DIR is replaced whole once all of it is written, so a failed
run leaves the previous results as they were. Exit code 0 when every trial is done.

  --out DIR     where the results go (a directory of results files, or new)
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
  // Before anything starts: the results would replace the whole directory.
  if (values.out !== undefined) await checkResultsDir(path.resolve(values.out));
  // Aborted by Ctrl-C, or when a service started here stops on its own: the sweep could then
  // wait for ever, so the watching (and any request in flight) stops.
  const serviceStopped = new AbortController();
  const runCtx = { ...ctx, signal: AbortSignal.any([ctx.signal, serviceStopped.signal]) };
  const client = ApiClient.forCommand(runCtx);
  // The port its own API would take: SEEDSWEEP_URL must then be this machine.
  const port = (await answers(ctx.env.apiUrl)) ? null : localPort(ctx.env.apiUrl);
  // Its workers read the dataset as this process does: without it, no trial could train.
  if (port !== null) await checkDataset(ctx.env, ctx.log);
  const stack =
    port === null ? null : await LocalStack.start(ctx, { workers, port, warningsOnly: true });
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
    const dir = path.resolve(values.out ?? defaultResultsDir(response.name));
    if (values.out === undefined) await checkResultsDir(dir);
    const { status, exitCode } = await watchUnlessAServiceStops(
      client,
      response.id,
      runCtx,
      stack,
      serviceStopped,
    );
    await writeResults(client, status, dir, ctx);
    ctx.out(response.id);
    return exitCode;
  } finally {
    if (stack) {
      ctx.log('stopping the services');
      await stack.stop();
    }
  }
}

/**
 * Follows the sweep to its end, unless one of the services started here stops on its own: then
 * the sweep would wait for ever, so the watching stops and says which service it was.
 */
async function watchUnlessAServiceStops(
  client: ApiClient,
  id: string,
  ctx: CommandContext,
  stack: LocalStack | null,
  serviceStopped: AbortController,
): ReturnType<typeof watchToEnd> {
  if (!stack) return watchToEnd(client, id, ctx);
  let stopped: string | null = null;
  void stack.failed.then((name) => {
    stopped = name;
    serviceStopped.abort();
  });
  try {
    return await watchToEnd(client, id, ctx);
  } catch (error) {
    if (stopped !== null) throw new LocalServiceStoppedError(stopped);
    throw error;
  }
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
