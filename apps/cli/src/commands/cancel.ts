import { parseArgs } from 'node:util';
import { ApiClient } from '../api-client.js';
import type { CommandContext } from '../command.js';
import { sweepIdArgument } from '../sweep-id.js';

export const cancelHelp = `Usage: seedsweep cancel <id> [options]

Cancels a sweep: its queued trials are removed and its running ones stopped, except those
another live sweep needs too (kept). Results already in stay, for this sweep and others.

  --json         print the API's answer as JSON`;

const options = { json: { type: 'boolean' } } as const;

export async function cancelCommand(args: string[], ctx: CommandContext): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options,
    strict: true,
    allowPositionals: true,
  });
  const id = sweepIdArgument(positionals, 'cancel');
  const client = ApiClient.forCommand(ctx);
  const answer = await client.cancel(id);
  if (values.json) {
    ctx.out(JSON.stringify(answer));
    return;
  }
  const { removed, stopped, kept } = answer.cancellation;
  const what = answer.alreadyCancelled
    ? `sweep ${id} "${answer.name}" was already cancelled`
    : `cancelled sweep ${id} "${answer.name}"`;
  ctx.out(
    `${what}: ${removed} queued trials removed, ${stopped} running stopped, ${kept} kept for other sweeps; ${answer.counts.done} of ${answer.trials} done`,
  );
}
