import { SweepSpecError } from './sweep-spec-error.js';

export interface SweepIssue {
  /**
   * Dotted path of the offending field, e.g. `randomout.tau.1`; `(root)` for the document
   * itself and `(body)` for the text (size, syntax).
   */
  path: string;
  message: string;
  /** 1-based position in the text, for syntax errors. */
  line?: number;
  column?: number;
}

/** How many issues the message spells out; `issues` always holds all of them. */
const ISSUES_IN_MESSAGE = 5;

/** A sweep definition that does not parse or validate; `issues` lists every problem found. */
export class InvalidSweepError extends SweepSpecError {
  readonly code = 'INVALID_SWEEP';

  constructor(readonly issues: readonly SweepIssue[]) {
    super(`invalid sweep definition: ${summarise(issues)}`);
  }
}

function summarise(issues: readonly SweepIssue[]): string {
  const shown = issues.slice(0, ISSUES_IN_MESSAGE).map((i) => `${i.path}: ${i.message}`);
  const rest = issues.length - shown.length;
  return shown.join('; ') + (rest > 0 ? `; and ${rest} more` : '');
}
