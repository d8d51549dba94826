import { describe, expect, it } from 'vitest';
import { findJsonProblem } from '../src/json-problem.js';

const VALID = [
  '{}',
  '[]',
  ' \t\r\n{ "a" : [ 1 , -0.5e+3, 0, 1E2, true, false, null, "x\\u00e9\\n\\"" ] } \n',
  '"just a string"',
  '-0',
  '[[[[]]]]',
  '{"a":{"a":{"a":1}},"b":{"a":2}}',
  `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
];

const INVALID = [
  '',
  ' ',
  '{',
  '{"a"}',
  '{"a":}',
  '{"a":1,}',
  '[1,]',
  '[1 2]',
  '01',
  '1.',
  '.5',
  '-',
  '+1',
  '1e',
  'tru',
  'nul',
  "'a'",
  '"a',
  '"\\x"',
  '"\\u12G4"',
  '"a\tb"',
  '{"a":1}}',
  '{a:1}',
  'NaN',
  '[1]x',
];

describe('findJsonProblem', () => {
  it.each(VALID.map((t) => [t.slice(0, 40), t]))(
    'accepts what JSON.parse accepts: %s',
    (_, text) => {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(findJsonProblem(text)).toBeUndefined();
    },
  );

  it.each(INVALID)('refuses what JSON.parse refuses: %j', (text) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(findJsonProblem(text)?.kind).toBe('syntax');
  });

  it('points at the offending character', () => {
    expect(findJsonProblem('{"a": tru}')).toMatchObject({ offset: 6 });
    expect(findJsonProblem('[1, 2 3]')).toMatchObject({
      offset: 6,
      message: "expected ',' or ']', found \"3\"",
    });
    expect(findJsonProblem('"abc')).toMatchObject({ offset: 0, message: 'unterminated string' });
  });

  it('finds duplicate keys per object, compared decoded', () => {
    expect(findJsonProblem('{"a":1,"b":{"a":2}}')).toBeUndefined();
    expect(findJsonProblem('{"a":1,"b":{"a":2,"a":3}}')).toMatchObject({
      kind: 'duplicate-key',
      offset: 18,
    });
    expect(findJsonProblem('{"\\u0061":1,"a":2}')?.kind).toBe('duplicate-key');
  });
});
