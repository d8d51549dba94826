import type { Problem } from './api-types.js';

/** Base of the errors of talking to the API; `code` is stable, so scripts and tests can match it. */
export abstract class ApiClientError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The API answered with an error (a problem+json body, or something a proxy made up). */
export class ApiProblemError extends ApiClientError {
  readonly code: string;
  readonly status: number;

  constructor(readonly problem: Problem) {
    super(problemText(problem));
    this.code = problem.code;
    this.status = problem.status;
  }
}

/** Nothing answers at SEEDSWEEP_URL (refused, unknown host, reset before an answer). */
export class ApiUnreachableError extends ApiClientError {
  readonly code = 'API_UNREACHABLE';
}

/** The API took longer than the client waits. */
export class ApiTimeoutError extends ApiClientError {
  readonly code = 'API_TIMEOUT';
}

/**
 * An API that refused the request for its key (401) or the key's role (403), as one line that
 * says what to set: the API's own wording names headers the user never sees.
 */
export function keyProblem(problem: Problem, apiUrl: string, keySent: boolean): Problem {
  // A 403 about what the key may submit, not about its role: the API's own words say it.
  if (problem.code === 'PRIORITY_NOT_ALLOWED') return problem;
  let detail: string;
  if (problem.status === 403) {
    detail =
      'the key in SEEDSWEEP_API_KEY is read-only; set SEEDSWEEP_API_KEY to a read-write key to submit or cancel';
  } else if (keySent) {
    detail = `the seedsweep API at ${apiUrl} does not accept the key in SEEDSWEEP_API_KEY; set SEEDSWEEP_API_KEY to one of its keys`;
  } else {
    detail = `the seedsweep API at ${apiUrl} needs an API key; set SEEDSWEEP_API_KEY`;
  }
  return { ...problem, detail, errors: [] };
}

/** At most this many field errors are added to a problem's detail: one line stays readable. */
const EXTRA_ERRORS = 3;

/**
 * A problem as one line of text: the detail (which names the fields already), plus the field
 * errors the detail does not mention, since it may list only the first few.
 */
export function problemText(problem: Problem): string {
  const detail = oneLine(problem.detail || problem.title || `HTTP ${problem.status}`);
  const missing = (Array.isArray(problem.errors) ? problem.errors : [])
    .map((e) => oneLine(`${e.path}: ${e.message}`))
    .filter((text) => !detail.includes(text));
  if (missing.length === 0) return detail;
  const shown = missing.slice(0, EXTRA_ERRORS).join('; ');
  const more = missing.length - EXTRA_ERRORS;
  // The detail's own "; and 3 more" counts the errors listed here now.
  const head = detail.replace(/;?\s*and \d+ more$/, '');
  return `${head}; ${shown}${more > 0 ? `; and ${more} more` : ''}`;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
