import type { TrialCounts } from '@seedsweep/api-contract';

/** Finished trials of all, as a bar and as numbers (the bar alone says nothing to a reader). */
export function ProgressBar({ counts, total }: { counts: TrialCounts; total: number }) {
  const finished = counts.done + counts.failed + counts.cancelled;
  const percent = total === 0 ? 100 : Math.floor((finished / total) * 100);
  return (
    <span class="progress">
      <progress
        max={total}
        value={finished}
        aria-label={`${finished} of ${total} trials finished`}
      />
      <span class="num">{percent}%</span>
    </span>
  );
}
