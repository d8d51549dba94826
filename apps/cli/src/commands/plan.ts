import os from 'node:os';
import { parseArgs } from 'node:util';
import {
  planSweep,
  secondsPerEpochTable,
  summarisePlan,
  SweepTooLargeError,
  type SweepDefinition,
} from '@seedsweep/sweep-spec';
import { TRAINER_VERSION } from '@seedsweep/trainer';
import { ApiClient } from '../api-client.js';
import { ApiUnreachableError } from '../api-errors.js';
import type { PlanResponse } from '../api-types.js';
import type { CommandContext, CommandResult } from '../command.js';
import { planLines } from '../plan-text.js';
import { checkSweepFile } from '../sweep-file-check.js';
import { readSweepFile, sweepFileArgument } from '../sweep-file.js';
import { UsageError } from '../usage-error.js';

export const planHelp = `Usage: seedsweep plan <sweep.yaml|sweep.json> [options]

Validates a sweep and says what it would cost, without submitting it or writing anything: its
trials and groups, how many are already stored at SEEDSWEEP_URL, how many RandomOut trials take
or resume from their baseline's result (unknown while the baseline is not done), and the
epochs, core-hours and wall time to train the rest, from each region's seconds per epoch
(measured from the results stored there, else 'seedsweep bench trainer' defaults). A mistake
in the file is one line with its line number, exit code 2. Without an API at SEEDSWEEP_URL, the
plan comes from the file alone (nothing stored, the default seconds per epoch), and says so.

  --workers N             workers for the wall time (default 1)
  --concurrency C         trials at a time per worker (default: one per core of the API's
                          machine, a worker's default WORKER_CONCURRENCY)
  --json                  print the API's answer as JSON`;

const options = {
  workers: { type: 'string' },
  concurrency: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export async function planCommand(args: string[], ctx: CommandContext): Promise<CommandResult> {
  const { values, positionals } = parseArgs({
    args,
    options,
    strict: true,
    allowPositionals: true,
  });
  const name = sweepFileArgument(positionals, 'plan');
  const workers = positiveInt(values.workers, '--workers', 100_000);
  const concurrency = positiveInt(values.concurrency, '--concurrency', 1024);
  const file = await readSweepFile(name);
  const definition = checkSweepFile(file, name);
  const client = ApiClient.forCommand(ctx);
  let plan: PlanResponse;
  let offline = false;
  try {
    plan = await client.plan(file.text, file.format, { workers, concurrency });
  } catch (error) {
    if (!(error instanceof ApiUnreachableError)) throw error;
    // Without an API the file alone still tells the trials and their cost, nothing stored.
    ctx.log(
      `no seedsweep API answers at ${client.baseUrl}: planned from the file alone, as if nothing were stored`,
    );
    plan = offlinePlan(definition, workers ?? 1, concurrency);
    offline = true;
  }
  if (values.json === true) ctx.out(JSON.stringify(plan));
  else for (const line of planLines(plan, { offline })) ctx.out(line);
  return 0;
}

/** The plan with no results stored and the default seconds per epoch, the API's way. */
function offlinePlan(
  definition: SweepDefinition,
  workers: number,
  concurrency: number | undefined,
): PlanResponse {
  let plan;
  try {
    plan = planSweep(definition, { trainerVersion: TRAINER_VERSION });
  } catch (error) {
    // The API's own limit (MAX_TRIALS) is not known here: the default one applies.
    if (error instanceof SweepTooLargeError) throw new UsageError(error.message);
    throw error;
  }
  const regions = [...new Set(plan.groups.map((g) => g.region))];
  const summary = summarisePlan({
    definition,
    plan,
    stored: new Set(),
    baselines: new Map(),
    rates: secondsPerEpochTable(regions, []),
    trainerVersion: TRAINER_VERSION,
    workers,
    trialsPerWorker: concurrency ?? os.availableParallelism(),
    ...(concurrency === undefined && { defaultCoresOf: 'this machine' }),
  });
  return { dryRun: true, ...summary };
}

function positiveInt(value: string | undefined, flag: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new UsageError(`${flag} must be a whole number from 1 to ${max}, got '${value}'`);
  }
  return n;
}
