import type { FailureGroup } from './api-types.js';

/**
 * A sweep's failed trials, grouped by reason, as lines for the terminal: each group's count,
 * class and one-line reason, then the fix where one is known; last, how to run them again.
 */
export function failureLines(
  id: string,
  // An API older than failure groups sends none: the CLI may be newer than the deployment.
  failures: readonly FailureGroup[] | undefined,
): string[] {
  if (failures === undefined || failures.length === 0) return [];
  const lines: string[] = [];
  for (const group of failures) {
    const code = group.code ? `, ${group.code}` : '';
    lines.push(
      `${group.count} ${group.count === 1 ? 'trial' : 'trials'} failed (${group.failureClass}${code}): ${group.reason}`,
    );
    if (group.fix) lines.push(`  fix: ${group.fix}`);
  }
  if (failures.some((f) => f.failureClass === 'environment')) {
    lines.push(
      `failures of the environment run again when the sweep is submitted again (or run again), or with 'seedsweep retry ${id}'`,
    );
  }
  if (failures.some((f) => f.failureClass === 'trial')) {
    lines.push(
      `failures of the trial itself are not retried by a resubmission: 'seedsweep retry ${id}' runs them again`,
    );
  }
  return lines;
}

/** What a submission did about earlier failures, to follow its "n enqueued". */
export function resubmissionText(response: {
  id: string;
  retried?: number;
  failed?: number;
}): string {
  const parts: string[] = [];
  if (response.retried) {
    parts.push(`${response.retried} of them failed before and run again`);
  }
  if (response.failed) {
    const [its, stay, them] =
      response.failed === 1 ? ['its', 'stays', 'it'] : ['their', 'stay', 'them'];
    parts.push(
      `${response.failed} failed before for a reason of ${its} own and ${stay} failed ('seedsweep retry ${response.id}' runs ${them} again)`,
    );
  }
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}
