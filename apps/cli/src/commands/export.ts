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
  --records      as a records file (gzip JSON lines: the sweep's definition, then every result
                 with its trial spec) that 'seedsweep import' loads into any deployment without
                 training again; the same results always give the same bytes, so it can be
                 committed beside a report
  --out FILE     write to FILE instead of stdout; FILE appears only once complete`;

const options = {
  csv: { type: 'boolean' },
  json: { type: 'boolean' },
  records: { type: 'boolean' },
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
  if ([values.csv, values.json, values.records].filter(Boolean).length > 1) {
    throw new UsageError('--csv, --json and --records exclude each other');
  }
  if (values.out === '') throw new UsageError('--out needs a file name');
  if (values.records && values.out === undefined && ctx.stdout.isTTY) {
    throw new UsageError('--records writes gzip: give --out FILE.jsonl.gz, or redirect stdout');
  }
  const client = ApiClient.forCommand(ctx);
  const chunks = values.records
    ? client.recordsFile(id)
    : values.json
      ? jsonChunks(client, id)
      : client.trialsCsv(id);

  if (values.out === undefined) {
    for await (const chunk of chunks) {
      if (!ctx.stdout.write(chunk)) await once(ctx.stdout, 'drain');
    }
    return;
  }
  const bytes = await writeFileAtomically(values.out, chunks);
  const what = values.records ? 'the records' : 'the trials';
  ctx.log(`wrote ${what} of sweep ${id} to ${values.out} (${bytes} bytes)`);
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
