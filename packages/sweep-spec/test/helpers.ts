import { expect } from 'vitest';
import { InvalidSweepError, parseSweepDefinition, type SweepIssue } from '../src/index.js';

/** The smallest valid definition; tests spread their changes over it. */
export const MINIMAL = {
  name: 'smoke',
  regions: ['East'],
  seeds: { from: 0, to: 2 },
  randomout: { tau: [1e-8, 1e-4], activePercent: [30, 60] },
};

export function invalidSweep(run: () => unknown): InvalidSweepError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidSweepError);
    return error as InvalidSweepError;
  }
  throw new Error('expected an InvalidSweepError');
}

export function issuesOf(value: unknown): SweepIssue[] {
  return [...invalidSweep(() => parseSweepDefinition(value)).issues];
}
