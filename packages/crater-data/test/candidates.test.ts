import { describe, expect, it } from 'vitest';
import { parseCandidates } from '../src/candidates.js';
import { DatasetFormatError } from '../src/errors/dataset-format-error.js';

function formatError(text: string): DatasetFormatError {
  try {
    parseCandidates(text, 'bandeira2010_candidates/3_24_tp.csv');
  } catch (err) {
    expect(err).toBeInstanceOf(DatasetFormatError);
    return err as DatasetFormatError;
  }
  throw new Error('expected parseCandidates to throw');
}

describe('parseCandidates', () => {
  it('parses x,y,d lines with LF or CRLF and trailing blank lines', () => {
    const expected = [
      { x: 953, y: 551, d: 12 },
      { x: 604, y: 813, d: 12.5 },
    ];
    expect(parseCandidates('953,551,12\n604,813,12.5\n', 'a.csv')).toEqual(expected);
    expect(parseCandidates('953,551,12\r\n604,813,12.5\r\n\r\n  \n', 'a.csv')).toEqual(expected);
    expect(parseCandidates('953, 551, 12\n604,813,12.5', 'a.csv')).toEqual(expected);
    expect(parseCandidates('', 'a.csv')).toEqual([]);
  });

  it('names the file and line of a malformed line', () => {
    const err = formatError('1,2,3\n4,5,6\n7,x,9\n');
    expect(err.code).toBe('DATASET_FORMAT');
    expect(err.file).toBe('bandeira2010_candidates/3_24_tp.csv');
    expect(err.line).toBe(3);
    expect(err.message).toBe('bandeira2010_candidates/3_24_tp.csv:3: not a number: "x"');
  });

  it.each([
    ['a missing field', '1,2\n', 1],
    ['an extra field', '1,2,3\n1,2,3,4\n', 2],
    ['a header line', 'x,y,d\n1,2,3\n', 1],
    ['a blank line inside the file', '1,2,3\n\n4,5,6\n', 2],
    ['a non-positive diameter', '1,2,3\r\n1,2,0\r\n', 2],
    ['an overflowing number', '1e999,2,3\n', 1],
  ])('rejects %s', (_, text, line) => {
    expect(formatError(text).line).toBe(line);
  });
});
