/**
 * P(V <= v) for V, the sum of the positive ranks among n untied, non-zero differences under the
 * null hypothesis (each of the 2^n sign patterns equally likely). Counting the patterns per sum
 * is exact in doubles up to n = 50: every count is below 2^50 < 2^53.
 */
export function signedRankCdf(v: number, n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 50) {
    throw new RangeError(`the exact signed-rank distribution is for 1 <= n <= 50, got ${n}`);
  }
  const counts = signedRankCounts(n);
  let below = 0;
  for (let sum = 0; sum <= Math.min(Math.floor(v), counts.length - 1); sum += 1) {
    below += counts[sum] ?? 0;
  }
  return below / 2 ** n;
}

/** counts[s] = number of subsets of {1..n} whose elements add up to s. */
function signedRankCounts(n: number): number[] {
  const maxSum = (n * (n + 1)) / 2;
  const counts = new Array<number>(maxSum + 1).fill(0);
  counts[0] = 1;
  for (let rank = 1; rank <= n; rank += 1) {
    for (let sum = (rank * (rank + 1)) / 2; sum >= rank; sum -= 1) {
      counts[sum] = (counts[sum] ?? 0) + (counts[sum - rank] ?? 0);
    }
  }
  return counts;
}
