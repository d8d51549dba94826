import type { SweepGrid } from '@seedsweep/stats';
import { z } from 'zod';

export type { BaselineStats, CellStats, GroupGrid, SweepGrid } from '@seedsweep/stats';

/** `GET /v1/sweeps/:id/grid`: the aggregator's latest grid of the sweep. */
export const gridResponseSchema = z.object({
  sweepId: z.string(),
  updatedAt: z.string(),
  grid: z
    .custom<SweepGrid>((value) => typeof value === 'object' && value !== null)
    .describe(
      'groups[] (region and the other axes) with the baseline summary and cells[tau][P]: n, meanAccuracy, meanGain, sdGain, ci95, wins, ties, losses, wilcoxonP, baselineAtChance, recovered, harmed, diverged',
    ),
});
export type GridResponse = z.infer<typeof gridResponseSchema>;
