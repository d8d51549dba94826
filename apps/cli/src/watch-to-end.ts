import type { ApiClient } from './api-client.js';
import type { SweepStatus } from './api-types.js';
import type { CommandContext } from './command.js';
import { failureLines } from './failure-report.js';
import { finalGrid } from './final-grid.js';
import { renderGrid } from './grid-table.js';
import { InterruptedError } from './interrupted-error.js';
import { watchSweep } from './sweep-watch.js';
import { createWatchDisplay } from './watch-display.js';

/**
 * `--watch` of submit and status: follows the sweep to its end, then writes its final state and
 * grid to stderr (stdout keeps the command's own result). Exit code 0 for a done sweep, 1 for a
 * failed or cancelled one. Ctrl-C stops the watching only; the sweep goes on.
 */
export async function watchToEnd(
  client: ApiClient,
  id: string,
  ctx: CommandContext,
): Promise<{ status: SweepStatus; exitCode: number }> {
  const display = createWatchDisplay(ctx.stderr);
  let status: SweepStatus;
  try {
    status = await watchSweep(client, id, display, { signal: ctx.signal });
  } catch (error) {
    if (error instanceof InterruptedError) {
      throw new InterruptedError(
        `stopped watching; sweep ${id} goes on ('seedsweep status ${id} --watch' watches it again)`,
      );
    }
    throw error;
  } finally {
    display.stop();
  }
  const { counts } = status;
  ctx.log(
    `sweep ${id} "${status.name}" ${status.state}: ${counts.done} of ${status.trials} trials done, ${counts.failed} failed, ${counts.cancelled} cancelled`,
  );
  for (const line of failureLines(id, status.failures)) ctx.log(line);
  const { stored, complete, problem } = await finalGrid(client, id, counts.done, ctx.signal);
  if (!stored) {
    ctx.log(
      `no grid to show yet (${problem ?? 'the aggregator has drawn none'}); 'seedsweep grid ${id}' shows it later`,
    );
  } else {
    if (!complete) {
      ctx.log(
        `the aggregator has not caught up yet: this grid holds ${stored.grid.trials.done} of ${counts.done} done trials; 'seedsweep grid ${id}' shows the final one`,
      );
    }
    for (const line of renderGrid(stored.grid)) ctx.log(line);
  }
  return { status, exitCode: status.state === 'done' ? 0 : 1 };
}
