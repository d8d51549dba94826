import { describe, expect, it } from 'vitest';
import {
  ApiProblemError,
  ApiUnreachableError,
  keyProblem,
  problemText,
} from '../src/api-errors.js';
import type { Problem } from '../src/api-types.js';
import { describeError, exitCodeFor } from '../src/error-report.js';
import { InterruptedError } from '../src/interrupted-error.js';

function problem(fields: Partial<Problem>): Problem {
  return {
    type: 'urn:seedsweep:problem:invalid-sweep',
    title: 'The sweep definition is invalid',
    status: 422,
    instance: '/v1/sweeps',
    code: 'INVALID_SWEEP',
    ...fields,
  };
}

describe('a problem as one line', () => {
  it('is the detail and the code when the detail names every field', () => {
    const error = new ApiProblemError(
      problem({
        detail: 'invalid sweep definition: bogus: unknown field',
        errors: [{ path: 'bogus', message: 'unknown field' }],
      }),
    );
    expect(describeError(error)).toBe(
      'invalid sweep definition: bogus: unknown field [INVALID_SWEEP]',
    );
    expect(error.status).toBe(422);
    // The file is wrong: fixed by changing it, like a bad flag.
    expect(exitCodeFor(error)).toBe(2);
  });

  it('adds the first three field errors the detail leaves out, and counts the rest', () => {
    const errors = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((path) => ({
      path,
      message: 'is wrong',
    }));
    const detail = 'invalid sweep definition: a: is wrong; b: is wrong; and 5 more';
    expect(problemText(problem({ detail, errors }))).toBe(
      'invalid sweep definition: a: is wrong; b: is wrong; c: is wrong; d: is wrong; e: is wrong; and 2 more',
    );
  });

  it('stays on one line when the detail has line breaks', () => {
    const line = describeError(
      new ApiProblemError(
        problem({ status: 400, code: 'MALFORMED_BODY', detail: 'bad YAML:\n  line 3\r\n  col 1' }),
      ),
    );
    expect(line).toBe('bad YAML: line 3 col 1 [MALFORMED_BODY]');
  });

  it('falls back to the title, then the status, when there is no detail', () => {
    expect(problemText(problem({ detail: undefined }))).toBe('The sweep definition is invalid');
    expect(problemText({ status: 502, code: 'HTTP_502' })).toBe('HTTP 502');
  });

  it('ignores an `errors` member that is not a list', () => {
    expect(problemText(problem({ detail: 'x', errors: 'nope' as unknown as [] }))).toBe('x');
  });

  it('gives exit code 130 for Ctrl-C and 1 for an unreachable API', () => {
    expect(exitCodeFor(new InterruptedError('stopped watching'))).toBe(130);
    expect(describeError(new InterruptedError('stopped watching'))).toBe(
      'stopped watching [INTERRUPTED]',
    );
    const unreachable = new ApiUnreachableError('the seedsweep API is not reachable');
    expect(exitCodeFor(unreachable)).toBe(1);
    expect(describeError(unreachable)).toMatch(/\[API_UNREACHABLE\]$/);
  });

  it('gives exit code 2 for what the user gave the API, 1 for what went wrong there', () => {
    for (const code of ['INVALID_SWEEP', 'SWEEP_NOT_FOUND', 'API_KEY_INVALID', 'SWEEP_TOO_LARGE']) {
      expect(exitCodeFor(new ApiProblemError(problem({ code, status: 422 })))).toBe(2);
    }
    for (const code of ['REDIS_UNAVAILABLE', 'INTERNAL', 'GRID_NOT_READY']) {
      expect(exitCodeFor(new ApiProblemError(problem({ code, status: 503 })))).toBe(1);
    }
  });

  it('gives exit code 2 for a sweep the key may not submit as written, 1 for a quota that is used up for now', () => {
    for (const code of ['PRIORITY_NOT_ALLOWED', 'SWEEP_OVER_QUOTA']) {
      expect(exitCodeFor(new ApiProblemError(problem({ code, status: 403 })))).toBe(2);
    }
    expect(exitCodeFor(new ApiProblemError(problem({ code: 'QUOTA_EXCEEDED', status: 429 })))).toBe(
      1,
    );
  });

  it("keeps the API's words for a priority the key may not submit: it is not about the key's role", () => {
    const refused = problem({
      status: 403,
      code: 'PRIORITY_NOT_ALLOWED',
      detail: 'API key alice may not submit high-priority sweeps (its entry has no high=allow)',
    });
    expect(keyProblem(refused, 'http://api', true)).toBe(refused);
    const readOnly = problem({
      status: 403,
      code: 'API_KEY_READ_ONLY',
      detail: 'POST changes state',
    });
    expect(keyProblem(readOnly, 'http://api', true).detail).toMatch(
      /is read-only; set SEEDSWEEP_API_KEY/,
    );
  });
});
