import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { ApiClient } from '../api-client.js';
import type { CommandContext } from '../command.js';
import { sweepIdArgument } from '../sweep-id.js';
import { UsageError } from '../usage-error.js';
import { writeFileAtomically } from '../atomic-file.js';

export const exportHelp = `Usage: seedsweep export <id> [options]

The sweep's trials with their results, one row per trial in plan order.

  --csv          as CSV (the default)
  --json         as JSON: { sweepId, total, trials: [...] }
  --out FILE     write to FILE instead of stdout; FILE appears only once complete`;

const options = {
  csv: { type: 'boolean' },
  json: { type: 'boolean' },
  out: { type: 'string' },
} as const;

/** Trials per JSON page: the API's largest page is 100 000; smaller pages keep answers quick. */
const PAGE = 10_000;

export async function exportCommand(args: string[], ctx: CommandContext): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options,
    strict: true,
    allowPositionals: true,
  });
  const id = sweepIdArgument(positionals, 'export');
  if (values.csv && values.json) throw new UsageError('--csv and --json exclude each other');
  if (values.out === '') throw new UsageError('--out needs a file name');
  const client = ApiClient.forCommand(ctx);
  const chunks = values.json ? jsonChunks(client, id) : client.trialsCsv(id);

  if (values.out === undefined) {
    for await (const chunk of chunks) {
      if (!ctx.stdout.write(chunk)) await once(ctx.stdout, 'drain');
    }
    return;
  }
  const bytes = await writeFileAtomically(values.out, chunks);
  ctx.log(`wrote the trials of sweep ${id} to ${values.out} (${bytes} bytes)`);
}

/** All pages as one JSON document, written as the pages arrive. */
async function* jsonChunks(client: ApiClient, id: string): AsyncGenerator<string> {
  let offset = 0;
  let total = Infinity;
  let first = true;
  while (offset < total) {
    const page = await client.trialPage(id, offset, PAGE);
    if (first) yield `{"sweepId":${JSON.stringify(page.sweepId)},"total":${page.total},"trials":[`;
    total = page.total;
    for (const trial of page.trials) {
      yield (first ? '' : ',') + JSON.stringify(trial);
      first = false;
    }
    if (page.trials.length === 0) break;
    offset += page.trials.length;
  }
  if (first) yield `{"sweepId":${JSON.stringify(id)},"total":0,"trials":[`;
  yield ']}\n';
}
