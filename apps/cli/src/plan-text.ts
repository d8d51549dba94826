import type { PlanResponse } from './api-types.js';

const count = (n: number): string => n.toLocaleString('en-US');

/** A range of numbers, as one number when both ends agree at the precision shown. */
function range(r: { min: number; max: number }, format: (n: number) => string): string {
  const [min, max] = [format(r.min), format(r.max)];
  return min === max ? min : `${min} to ${max}`;
}

/** Hours with two significant digits or one decimal, whichever says more: 0.042, 2.7, 57. */
export function formatHours(hours: number): string {
  if (hours === 0) return '0';
  if (hours < 1) return hours.toPrecision(2);
  if (hours < 100) return hours.toFixed(1);
  return count(Math.round(hours));
}

/** Where the seconds per epoch came from, per region. */
function ratesText(plan: PlanResponse): string {
  const rates = plan.secondsPerEpoch.map(
    (r) =>
      `${r.region} ${r.seconds.toFixed(2)} s ${r.source === 'measured' ? `measured here (median of ${r.results} trained results)` : 'default'}`,
  );
  const anyDefault = plan.secondsPerEpoch.some((r) => r.source === 'default');
  return (
    `seconds per epoch: ${rates.join(', ')}` +
    (anyDefault
      ? " (defaults: 'seedsweep bench trainer' on a 2-core machine; a region's own are used once 5 of its trained results are stored here)"
      : '')
  );
}

/** The plan as `seedsweep plan` prints it: what the sweep is, what is stored, what it costs. */
export function planLines(plan: PlanResponse, options: { offline?: boolean } = {}): string[] {
  const groups = plan.groups.map((g) => `${g.id} (${g.seeds} seeds × ${g.cells} cells)`);
  const shownGroups =
    groups.length > 8 ? [...groups.slice(0, 8), `and ${groups.length - 8} more`] : groups;
  const lines = [
    `sweep "${plan.name}": ${count(plan.trials)} trials: ${plan.formula}`,
    `${count(plan.groups.length)} group${plan.groups.length === 1 ? '' : 's'}: ${shownGroups.join(', ')}`,
    options.offline
      ? `already stored: not known (no API answered); to run: at most ${count(plan.toRun)}`
      : `already stored here: ${count(plan.stored)}; to run: ${count(plan.toRun)}`,
    `  trained in full: ${count(plan.trainedInFull)} (baselines, and RandomOut trials whose baseline shows a check may fire at once)`,
    `  derived from their stored baseline (no training): ${count(plan.derived)}`,
    `  resumed from their baseline's checkpoint: ${count(plan.resumed)}`,
  ];
  if (plan.unknown > 0) {
    lines.push(
      `  unknown until their baseline is done: ${count(plan.unknown)} (each derived, resumed or trained in full)`,
    );
  }
  lines.push(
    `epochs to train: ${range(plan.epochs, count)}${plan.unknown > 0 ? ' (fewest: every unknown trial derived; most: every one trained in full)' : ''}`,
    `core-hours: ${range(plan.coreHours, formatHours)}`,
    ratesText(plan),
    `wall time: ${range(plan.wallHours, formatHours)} hours on ${plan.workers.assumption}`,
    'nothing was submitted',
  );
  return lines;
}

/** The estimate as one line, for `seedsweep submit`. */
export function estimateLine(plan: PlanResponse): string {
  const parts = [`${count(plan.trials)} trials`, `${count(plan.stored)} stored`];
  if (plan.derived > 0) parts.push(`${count(plan.derived)} derived`);
  if (plan.resumed > 0) parts.push(`${count(plan.resumed)} resumed`);
  if (plan.unknown > 0) parts.push(`${count(plan.unknown)} unknown until their baselines are done`);
  const measured = plan.secondsPerEpoch.every((r) => r.source === 'measured');
  return (
    `estimate: ${parts.join(', ')}; ${range(plan.coreHours, formatHours)} core-hours, ` +
    `${range(plan.wallHours, formatHours)} hours on ${plan.workers.assumption.replace(/ \(.*\)$/, '')}` +
    ` (${measured ? 'measured' : 'default'} seconds per epoch; 'seedsweep plan' for details)`
  );
}
