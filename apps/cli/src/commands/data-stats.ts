import { parseArgs } from 'node:util';
import { datasetStats } from '@seedsweep/crater-data';
import { datasetDir } from '../dataset.js';
import type { CommandContext } from '../command.js';

export const dataStatsHelp = `Usage: seedsweep data stats [--json]

Craters, non-craters and train/test split sizes of each region of the crater dataset.
Environment: CRATER_DATA_DIR (a local copy; default: the pinned download).`;

export async function dataStats(args: string[], ctx: CommandContext): Promise<void> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
  const dir = await datasetDir(ctx.env, ctx.log);
  const stats = await datasetStats({ dataDir: dir });
  if (values.json) {
    ctx.out(JSON.stringify(stats));
    return;
  }
  ctx.out('region   craters  non-craters  train  test');
  for (const s of stats) {
    ctx.out(
      `${s.region.padEnd(8)} ${String(s.craters).padStart(7)}  ${String(s.nonCraters).padStart(11)}  ${String(s.train).padStart(5)}  ${String(s.test).padStart(4)}`,
    );
  }
}
