import { parseArgs } from 'node:util';
import { ApiClient } from '../api-client.js';
import type { RetryResponse } from '../api-types.js';
import type { CommandContext, CommandResult } from '../command.js';
import { sweepIdArgument } from '../sweep-id.js';
import { watchToEnd } from '../watch-to-end.js';

export const retryHelp = `Usage: seedsweep retry <id> [options]

Runs a sweep's failed trials again: those that failed because of the environment (the dataset
unreachable, I/O, Redis full, out of memory), which submitting the sweep again also retries, and
those that failed because of the trial itself, which only this retries. Their failures are
cleared; results already in stay.

  --watch        follow the sweep until it ends, then show its grid; exit code 0 when it is
                 done, 1 when it failed or was cancelled
  --json         print the API's answer as JSON`;

const options = { watch: { type: 'boolean' }, json: { type: 'boolean' } } as const;

export async function retryCommand(args: string[], ctx: CommandContext): Promise<CommandResult> {
  const { values, positionals } = parseArgs({
    args,
    options,
    strict: true,
    allowPositionals: true,
  });
  const id = sweepIdArgument(positionals, 'retry');
  const client = ApiClient.forCommand(ctx);
  const answer = await client.retry(id);
  ctx.out(values.json ? JSON.stringify(answer) : retryLine(id, answer));
  if (values.watch !== true) return;
  return (await watchToEnd(client, id, ctx)).exitCode;
}

function retryLine(id: string, answer: RetryResponse): string {
  const { retried, enqueued } = answer.retry;
  const done = `${answer.counts.done} of ${answer.trials} done`;
  if (enqueued === 0) return `sweep ${id} "${answer.name}": no failed trials to run again; ${done}`;
  const trials = retried === 1 ? 'trial' : 'trials';
  // Trials of the sweep that had neither a result, a failure nor a job (what a Redis crash leaves).
  const others = enqueued - retried;
  const more = others > 0 ? `, and ${others} unfinished without a job` : '';
  return `sweep ${id} "${answer.name}": ${retried} failed ${trials} put back on the queue${more}; ${done}`;
}
