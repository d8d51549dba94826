/** When a trial trained, from its result: it ended at `finishedAt`, `durationMs` after it began. */
export interface TrainingSpan {
  /** ms since the epoch */
  start: number;
  end: number;
}

export function spanOf(result: { finishedAt: string; durationMs: number }): TrainingSpan {
  const end = Date.parse(result.finishedAt);
  return { start: end - result.durationMs, end };
}

/** Milliseconds of training of `spans` within [from, to]: a trial at an edge counts in part. */
export function trainingWithin(spans: readonly TrainingSpan[], from: number, to: number): number {
  let total = 0;
  for (const span of spans) {
    total += Math.max(0, Math.min(span.end, to) - Math.max(span.start, from));
  }
  return total;
}

export interface TrainingShare {
  seconds: number;
  /** Of all the groups' training within the interval; 0 when nothing trained in it. */
  share: number;
}

/** Each group's training within [from, to], and its share of all of theirs. */
export function sharesWithin(
  groups: ReadonlyMap<string, readonly TrainingSpan[]>,
  from: number,
  to: number,
): Map<string, TrainingShare> {
  const ms = new Map([...groups].map(([name, spans]) => [name, trainingWithin(spans, from, to)]));
  const total = [...ms.values()].reduce((sum, value) => sum + value, 0);
  return new Map(
    [...ms].map(([name, value]) => [
      name,
      { seconds: value / 1000, share: total === 0 ? 0 : value / total },
    ]),
  );
}
