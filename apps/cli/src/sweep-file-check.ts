import {
  InvalidSweepError,
  locateIssues,
  parseSweepText,
  type SweepDefinition,
} from '@seedsweep/sweep-spec';
import type { SweepFile } from './sweep-file.js';
import { UsageError } from './usage-error.js';

/** At most this many issues are spelled out; one line stays readable. */
const SHOWN = 3;

/**
 * Validates a sweep file here, as the API would, so that a mistake is one line naming the file
 * and the line of each problem (exit code 2) before anything is sent.
 */
export function checkSweepFile(file: SweepFile, name: string): SweepDefinition {
  try {
    return parseSweepText(file.text, file.format);
  } catch (error) {
    if (!(error instanceof InvalidSweepError)) throw error;
    const issues = locateIssues(file.text, error.issues).map((issue) => {
      // Syntax issues say their line in their message already.
      if (issue.path === '(body)') return issue.message;
      const where = issue.line === undefined ? '' : `line ${issue.line}: `;
      return `${where}${issue.path}: ${issue.message}`;
    });
    const more = issues.length - SHOWN;
    throw new UsageError(
      `${name} is not a valid sweep: ${issues.slice(0, SHOWN).join('; ')}${more > 0 ? `; and ${more} more` : ''}`,
    );
  }
}
