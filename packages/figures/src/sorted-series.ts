/**
 * One series of Figure 4: the accuracies that exist, ascending. Each series is sorted on its own
 * (rank k is the k-th worst run of that series, not seed k), as in the paper; a missing or
 * non-finite value is skipped rather than drawn.
 */
export function sortedSeries(values: readonly (number | null)[]): number[] {
  return values
    .filter((value): value is number => value !== null && Number.isFinite(value))
    .sort((a, b) => a - b);
}
