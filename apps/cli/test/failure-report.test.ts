import { describe, expect, it } from 'vitest';
import { failureLines, resubmissionText } from '../src/failure-report.js';

const ID = 'sw-mi2x7k1c-3f9a0b12cd';

describe('failureLines', () => {
  it('shows each group with its count, class, code and reason, its fix, then how to run it again', () => {
    expect(
      failureLines(ID, [
        {
          failureClass: 'environment',
          code: 'DOWNLOAD_FAILED',
          reason: 'download of http://127.0.0.1:9/a.pgm failed after 3 attempt(s): fetch failed',
          fix: 'set CRATER_DATA_DIR to a copy of the crater dataset, or CRATER_DATA_URL to a mirror, where the workers run',
          count: 14,
        },
        {
          failureClass: 'trial',
          code: null,
          reason: 'invalid job data: spec: required',
          fix: null,
          count: 1,
        },
      ]),
    ).toEqual([
      '14 trials failed (environment, DOWNLOAD_FAILED): download of http://127.0.0.1:9/a.pgm failed after 3 attempt(s): fetch failed',
      '  fix: set CRATER_DATA_DIR to a copy of the crater dataset, or CRATER_DATA_URL to a mirror, where the workers run',
      '1 trial failed (trial): invalid job data: spec: required',
      `failures of the environment run again when the sweep is submitted again (or run again), or with 'seedsweep retry ${ID}'`,
      `failures of the trial itself are not retried by a resubmission: 'seedsweep retry ${ID}' runs them again`,
    ]);
  });

  it('says nothing without failures', () => {
    expect(failureLines(ID, [])).toEqual([]);
    // From an API older than failure groups, which sends none.
    expect(failureLines(ID, undefined)).toEqual([]);
  });
});

describe('resubmissionText', () => {
  it('says what a submission did about earlier failures, and nothing when there were none', () => {
    expect(resubmissionText({ id: ID, retried: 0, failed: 0 })).toBe('');
    expect(resubmissionText({ id: ID, retried: 15, failed: 0 })).toBe(
      ' (15 of them failed before and run again)',
    );
    expect(resubmissionText({ id: ID, retried: 2, failed: 1 })).toBe(
      ` (2 of them failed before and run again; 1 failed before for a reason of its own and stays failed ('seedsweep retry ${ID}' runs it again))`,
    );
    expect(resubmissionText({ id: ID, retried: 0, failed: 3 })).toBe(
      ` (3 failed before for a reason of their own and stay failed ('seedsweep retry ${ID}' runs them again))`,
    );
  });
});
