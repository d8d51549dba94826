import { describe, expect, it } from 'vitest';
import { InvalidSweepError, locateIssues, parseSweepText } from '../src/index.js';

function issuesOf(text: string, format: 'yaml' | 'json') {
  try {
    parseSweepText(text, format);
  } catch (error) {
    if (error instanceof InvalidSweepError) return locateIssues(text, error.issues);
    throw error;
  }
  throw new Error('expected an invalid sweep');
}

describe('locateIssues', () => {
  it('puts each field issue of a YAML text at its line', () => {
    const text = `name: bad
regions: [East]
seeds: [0, 1]
randomout:
  tau: [1e-8]
  activePercent: [60, 120]
training:
  lerningRate: 0.01
`;
    const issues = issuesOf(text, 'yaml');
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'randomout.activePercent.1', line: 6, column: 23 }),
        expect.objectContaining({ path: 'training.lerningRate', line: 8 }),
      ]),
    );
  });

  it('puts a missing field at the section that lacks it, and reads JSON too', () => {
    const text = `{
  "regions": ["East"],
  "seeds": [0],
  "randomout": {"tau": [1e-8], "activePercent": [60]},
  "training": {"epochs": 0}
}`;
    const issues = issuesOf(text, 'json');
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'name', line: 1 }),
        expect.objectContaining({ path: 'training.epochs', line: 5 }),
      ]),
    );
  });

  it('keeps the position of a syntax error', () => {
    const [issue] = issuesOf('name: x\nregions: [East\n', 'yaml');
    expect(issue).toMatchObject({ path: '(body)', line: expect.any(Number) });
  });
});
