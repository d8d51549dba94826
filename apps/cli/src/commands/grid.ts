import { parseArgs } from 'node:util';
import { choiceFlag } from '@seedsweep/command-line';
import { ApiClient } from '../api-client.js';
import type { CommandContext } from '../command.js';
import { GRID_METRICS, renderGrid } from '../grid-table.js';
import { formatTime } from '../number-format.js';
import { sweepIdArgument } from '../sweep-id.js';

export const gridHelp = `Usage: seedsweep grid <id> [options]

The sweep's grid, per group: one row per tau, one column per P (the paper's Figure 3 as a table).

  --metric M     gain (default): mean gain over the baseline in percentage points, paired by seed
                 accuracy: mean test accuracy of the RandomOut runs
                 p: Wilcoxon signed-rank p of the paired gains
  --json         print the grid as JSON (every statistic of every cell)`;

const options = {
  json: { type: 'boolean' },
  metric: { type: 'string' },
} as const;

export async function gridCommand(args: string[], ctx: CommandContext): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options,
    strict: true,
    allowPositionals: true,
  });
  const id = sweepIdArgument(positionals, 'grid');
  const metric = choiceFlag(values, 'metric', GRID_METRICS) ?? 'gain';
  const client = ApiClient.forCommand(ctx);
  const stored = await client.grid(id);
  if (values.json) {
    ctx.out(JSON.stringify(stored));
    return;
  }
  const { trials } = stored.grid;
  ctx.log(
    `grid of sweep ${id} as of ${formatTime(stored.updatedAt)}: ${trials.done} of ${trials.total} trials done`,
  );
  for (const line of renderGrid(stored.grid, metric)) ctx.out(line);
}
