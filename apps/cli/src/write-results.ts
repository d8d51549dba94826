import path from 'node:path';
import type { ApiClient } from './api-client.js';
import type { GroupGrid, StoredGrid, SweepStatus } from './api-types.js';
import { writeFileAtomically } from './atomic-file.js';
import type { CommandContext } from './command.js';
import { replaceDirectory } from './results-dir.js';

/**
 * A finished sweep's results in `dir`, replacing whatever an earlier run wrote there, whole or not
 * at all: sweep.json (the sweep's id, name, state and counts), grid.json, grid.svg and grid.png
 * (Figure 3), seeds-<group>.svg and .png (Figure 4, at each group's best cell) and trials.csv.
 */
export async function writeResults(
  client: ApiClient,
  status: SweepStatus,
  dir: string,
  ctx: CommandContext,
): Promise<void> {
  const { id } = status;
  const names = await replaceDirectory(dir, async (staging) => {
    const written: string[] = [];
    const write = async (
      name: string,
      content: AsyncIterable<Uint8Array | string> | Uint8Array | string,
    ) => {
      const file = path.join(staging, name);
      await writeFileAtomically(
        file,
        typeof content === 'string' || content instanceof Uint8Array ? once(content) : content,
      );
      written.push(name);
    };
    // Each figure as the API draws it, SVG and PNG.
    const figure = async (kind: 'grid' | 'seeds', name: string, query = '') => {
      await write(`${name}.svg`, await client.figure(id, `${kind}.svg${query}`));
      await write(`${name}.png`, await client.figurePng(id, `${kind}.png${query}`));
    };
    await write('sweep.json', `${JSON.stringify(sweepRecord(status), null, 2)}\n`);
    const stored: StoredGrid | null = await client.grid(id).catch(() => null);
    if (stored) {
      await write('grid.json', `${JSON.stringify(stored, null, 2)}\n`);
      await figure('grid', 'grid');
      for (const group of stored.grid.groups) {
        const { tau, activePercent } = bestCell(group);
        const query = new URLSearchParams({
          group: group.id,
          tau: String(tau),
          p: String(activePercent),
        });
        await figure('seeds', `seeds-${group.id.replace(/[^A-Za-z0-9.=-]+/g, '_')}`, `?${query}`);
      }
    }
    await write('trials.csv', client.trialsCsv(id));
    return written;
  });
  const shown = path.relative(process.cwd(), dir) || dir;
  ctx.log(`results: ${names.map((name) => path.join(shown, name)).join(', ')}`);
}

/** What sweep.json says: which sweep these results are of, and how it ended. */
function sweepRecord(status: SweepStatus) {
  return {
    id: status.id,
    name: status.name,
    state: status.state,
    trials: status.trials,
    counts: status.counts,
    writtenAt: new Date().toISOString(),
  };
}

/** The cell with the largest mean gain (Figure 4 shows the best settings), else the first. */
function bestCell(group: GroupGrid): { tau: number; activePercent: number } {
  let best = group.cells[0]![0]!;
  for (const row of group.cells) {
    for (const cell of row) {
      if (cell.meanGain !== null && (best.meanGain === null || cell.meanGain > best.meanGain))
        best = cell;
    }
  }
  return { tau: best.tau, activePercent: best.activePercent };
}

async function* once(content: string | Uint8Array): AsyncGenerator<string | Uint8Array> {
  yield content;
}
