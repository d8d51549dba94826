import { parseArgs } from 'node:util';
import { integerFlag } from '@seedsweep/command-line';
import { ApiClient } from '../api-client.js';
import type { SweepStatus } from '../api-types.js';
import type { CommandContext, CommandResult } from '../command.js';
import { formatDuration, formatTime } from '../number-format.js';
import { failureLines } from '../failure-report.js';
import { checkSweepId } from '../sweep-id.js';
import { textTable } from '../text-table.js';
import { UsageError } from '../usage-error.js';
import { watchToEnd } from '../watch-to-end.js';

export const statusHelp = `Usage: seedsweep status [<id>] [options]

With an id: the sweep's state, trial counts, ETA and running trials.
Without: the sweeps, newest first (id, name, state, done/trials, created).

  --watch        follow the sweep until it ends, then show its grid (needs an id); exit code
                 0 when it is done, 1 when it failed or was cancelled
  --limit N      sweeps to list (1-500, default 20)
  --json         print the API's answer as JSON`;

const options = {
  watch: { type: 'boolean' },
  json: { type: 'boolean' },
  limit: { type: 'string' },
} as const;

export async function statusCommand(args: string[], ctx: CommandContext): Promise<CommandResult> {
  const { values, positionals } = parseArgs({
    args,
    options,
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 1) {
    throw new UsageError(`status takes at most one sweep id, got ${positionals.length} arguments`);
  }
  const client = ApiClient.forCommand(ctx);
  const json = values.json === true;
  if (positionals.length === 0) {
    if (values.watch)
      throw new UsageError('--watch needs a sweep id: seedsweep status <id> --watch');
    return listSweeps(client, ctx, json, limitFlag(values));
  }
  if (values.limit !== undefined) throw new UsageError('--limit lists sweeps: give no id with it');
  const id = checkSweepId(positionals[0]!);
  if (values.watch) {
    const { status, exitCode } = await watchToEnd(client, id, ctx);
    // The watch has shown its failures already.
    printStatus({ ...status, failures: [] }, ctx, json);
    return exitCode;
  }
  printStatus(await client.sweep(id), ctx, json);
}

function limitFlag(values: Record<string, unknown>): number {
  const limit = integerFlag(values, 'limit') ?? 20;
  if (limit < 1 || limit > 500) throw new UsageError(`--limit must be 1-500, got ${limit}`);
  return limit;
}

async function listSweeps(
  client: ApiClient,
  ctx: CommandContext,
  json: boolean,
  limit: number,
): Promise<void> {
  const list = await client.listSweeps(0, limit);
  if (json) {
    ctx.out(JSON.stringify(list));
    return;
  }
  if (list.total === 0) {
    ctx.log("no sweeps yet; 'seedsweep submit <sweep.yaml>' submits one");
    return;
  }
  const rows = list.sweeps.map((s) => [
    s.id,
    s.name,
    s.state,
    `${s.counts.done}/${s.trials}`,
    formatTime(s.createdAt),
  ]);
  const lines = textTable(
    [['ID', 'NAME', 'STATE', 'DONE', 'CREATED'], ...rows],
    ['left', 'left', 'left', 'right', 'left'],
  );
  for (const line of lines) ctx.out(line);
  if (list.total > list.sweeps.length) {
    ctx.log(
      `${list.sweeps.length} of ${list.total} sweeps shown, newest first; --limit shows more`,
    );
  }
}

function printStatus(status: SweepStatus, ctx: CommandContext, json: boolean): void {
  if (json) {
    ctx.out(JSON.stringify(status));
    return;
  }
  const { counts } = status;
  const rows: string[][] = [
    ['trials', `${status.trials} (${status.reused} reused, ${status.enqueued} enqueued)`],
    [
      'counts',
      `${counts.done} done, ${counts.running} running, ${counts.queued} queued, ${counts.failed} failed, ${counts.cancelled} cancelled`,
    ],
  ];
  if (status.state === 'queued' || status.state === 'running') {
    const mean =
      status.meanTrialSeconds === null
        ? ''
        : ` (mean trial ${formatDuration(status.meanTrialSeconds)})`;
    rows.push([
      'eta',
      status.etaSeconds === null
        ? `unknown until a trial finishes`
        : `${formatDuration(status.etaSeconds)}${mean}`,
    ]);
  }
  rows.push(['created', formatTime(status.createdAt)]);
  if (status.cancelledAt) rows.push(['cancelled', formatTime(status.cancelledAt)]);
  status.running.forEach((r, i) => {
    const epoch = r.epoch === null ? 'starting' : `epoch ${r.epoch}/${r.epochs ?? '?'}`;
    rows.push([i === 0 ? 'running' : '', `${r.label}: ${epoch}`]);
  });
  ctx.out(`sweep ${status.id} "${status.name}": ${status.state}`);
  for (const line of textTable(rows)) ctx.out(`  ${line}`);
  for (const line of failureLines(status.id, status.failures)) ctx.out(`  ${line}`);
}
