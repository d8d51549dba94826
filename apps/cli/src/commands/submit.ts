import { parseArgs } from 'node:util';
import { ApiClient } from '../api-client.js';
import type { CommandContext, CommandResult } from '../command.js';
import { InterruptedError } from '../interrupted-error.js';
import { estimateLine } from '../plan-text.js';
import { resubmissionText } from '../failure-report.js';
import { readSweepFile, sweepFileArgument } from '../sweep-file.js';
import { UsageError } from '../usage-error.js';
import { watchToEnd } from '../watch-to-end.js';

export const submitHelp = `Usage: seedsweep submit <sweep.yaml|sweep.json> [options]

Submits a sweep to the API at SEEDSWEEP_URL and prints its id. Trials already done (or queued
by another sweep) are reused, not trained again. First prints the estimate of 'seedsweep plan'
as one line.

  --watch                 follow the sweep until it ends, then show its grid; exit code 0 when
                          it is done, 1 when it failed or was cancelled (Ctrl-C stops watching
                          only: the sweep goes on)
  --idempotency-key K     retrying with the same key and file creates the sweep only once
  --json                  print the API's answer as JSON instead of the id`;

const options = {
  watch: { type: 'boolean' },
  json: { type: 'boolean' },
  'idempotency-key': { type: 'string' },
} as const;

export async function submitCommand(args: string[], ctx: CommandContext): Promise<CommandResult> {
  const { values, positionals } = parseArgs({
    args,
    options,
    strict: true,
    allowPositionals: true,
  });
  const fileName = sweepFileArgument(positionals, 'submit');
  const key = values['idempotency-key'];
  if (key !== undefined && !/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw new UsageError('--idempotency-key must be 1-200 visible ASCII characters');
  }
  const file = await readSweepFile(fileName);
  const client = ApiClient.forCommand(ctx);
  const quiet = values.json === true;
  // What it will cost, before anything is enqueued: a dry run at the same API.
  if (!quiet) ctx.log(estimateLine(await client.plan(file.text, file.format)));

  let submitted;
  try {
    submitted = await client.submit(file.text, file.format, key);
  } catch (error) {
    if (error instanceof InterruptedError) {
      throw new InterruptedError(
        "interrupted while submitting: the sweep may or may not exist; 'seedsweep status' lists the sweeps",
      );
    }
    throw error;
  }
  const { response, replayed } = submitted;
  if (!quiet) {
    ctx.log(
      `submitted sweep ${response.id} "${response.name}": ${response.trials} trials, ${response.reused} reused, ${response.enqueued} enqueued${response.pending > 0 ? `, ${response.pending} more being enqueued` : ''}${resubmissionText(response)}` +
        (replayed ? ' (a replay: this idempotency key created it earlier)' : ''),
    );
  }
  ctx.out(quiet ? JSON.stringify(response) : response.id);
  if (values.watch !== true) return;
  return (await watchToEnd(client, response.id, ctx)).exitCode;
}
