import type { SweepGrid } from '@seedsweep/stats';

export type { BaselineStats, CellStats, GroupGrid, SweepGrid } from '@seedsweep/stats';

/** `GET /v1/sweeps/:id/grid`: the aggregator's latest grid of the sweep. */
export interface GridResponse {
  sweepId: string;
  updatedAt: string;
  grid: SweepGrid;
}
