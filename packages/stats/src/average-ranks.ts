export interface Ranking {
  /** ranks[i] is the rank of values[i], 1-based; tied values share the mean of their ranks. */
  ranks: number[];
  /** Sizes of the groups of tied values (only groups of two or more). */
  tieSizes: number[];
}

/** Ranks as R's rank(ties.method = "average"): equal values are compared exactly. */
export function averageRanks(values: readonly number[]): Ranking {
  const order = values.map((_, i) => i).sort((i, j) => at(values, i) - at(values, j));
  const ranks = new Array<number>(values.length).fill(0);
  const tieSizes: number[] = [];
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && at(values, at(order, end)) === at(values, at(order, start))) {
      end += 1;
    }
    const shared = (start + 1 + end) / 2;
    for (let k = start; k < end; k += 1) ranks[at(order, k)] = shared;
    if (end - start > 1) tieSizes.push(end - start);
    start = end;
  }
  return { ranks, tieSizes };
}

function at(values: readonly number[], index: number): number {
  const value = values[index];
  if (value === undefined) throw new RangeError(`index ${index} out of range`);
  return value;
}
