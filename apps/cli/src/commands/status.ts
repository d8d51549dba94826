import { parseArgs } from 'node:util';
import { integerFlag } from '@seedsweep/command-line';
import { ApiClient } from '../api-client.js';
import type { FairShare, SweepStatus } from '../api-types.js';
import type { CommandContext, CommandResult } from '../command.js';
import { formatDuration, formatTime } from '../number-format.js';
import { failureLines } from '../failure-report.js';
import { checkSweepId } from '../sweep-id.js';
import { textTable } from '../text-table.js';
import { UsageError } from '../usage-error.js';
import { watchToEnd } from '../watch-to-end.js';

export const statusHelp = `Usage: seedsweep status [<id>] [options]

With an id: the sweep's state, trial counts, ETA, running trials and, while it is live, its
share of the workers (its running trials of all running) and its place in the queue (the jobs
of other sweeps the workers take before its next trial), with its priority.
Without: the sweeps, newest first (id, name, state, done/trials, share, jobs ahead, priority,
created).

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
  const rows = list.sweeps.map((s) => {
    const live = isLive(s);
    return [
      s.id,
      s.name,
      s.state,
      `${s.counts.done}/${s.trials}`,
      live ? `${s.fairShare.running}/${s.fairShare.runningAll}` : '–',
      live && s.fairShare.ahead !== null ? String(s.fairShare.ahead) : '–',
      s.fairShare.priority,
      formatTime(s.createdAt),
    ];
  });
  const lines = textTable(
    [['ID', 'NAME', 'STATE', 'DONE', 'SHARE', 'AHEAD', 'PRIORITY', 'CREATED'], ...rows],
    ['left', 'left', 'left', 'right', 'right', 'right', 'left', 'left'],
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
  if (isLive(status)) {
    rows.push(['share', shareText(status.fairShare)], ['place', placeText(status.fairShare)]);
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

/** Queued or running: a sweep that takes turns of the workers. */
function isLive(status: SweepStatus): boolean {
  return status.state === 'queued' || status.state === 'running';
}

function shareText(share: FairShare): string {
  const of =
    share.runningAll === 0
      ? 'nothing runs now'
      : `${share.running} of ${share.runningAll} running trials (${Math.round((share.share ?? 0) * 100)}%)`;
  return `${of}, priority ${share.priority}`;
}

function placeText(share: FairShare): string {
  if (share.ahead === null) {
    return 'no trial waiting to be taken: the rest are running, or wait for their baselines or a retry';
  }
  if (share.ahead === 0) return 'its next trial is the next to be taken';
  return `${share.ahead} queued job${share.ahead === 1 ? '' : 's'} of other sweeps before its next trial`;
}
