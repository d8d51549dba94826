import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_SWEEP_BYTES, parseSweepText, type SweepIssue } from '../src/index.js';
import { invalidSweep } from './helpers.js';

const YAML = `# the smoke sweep
name: smoke
regions: [East, West]
seeds: {from: 0, to: 2}
randomout:
  tau: [1e-8, 0.0001]
  activePercent: [30, 60]
  cgn: sum
training:
  learningRate: [0.01, 0.05]
  engine: tfjs
dataset:
  size: 16
analysis:
  failureMargin: 0.05
`;

const JSON_TEXT = `{
  "name": "smoke",
  "regions": ["East", "West"],
  "seeds": {"from": 0, "to": 2},
  "randomout": {"tau": [0.00000001, 1e-4], "activePercent": [30, 60], "cgn": "sum"},
  "training": {"learningRate": [0.01, 0.05], "engine": "tfjs"},
  "dataset": {"size": 16},
  "analysis": {"failureMargin": 0.05}
}`;

function bodyIssue(text: string, format: 'json' | 'yaml', maxBytes?: number): SweepIssue {
  const err = invalidSweep(() => parseSweepText(text, format, { maxBytes }));
  expect(err.code).toBe('INVALID_SWEEP');
  expect(err.issues).toHaveLength(1);
  const [issue] = err.issues;
  if (issue === undefined) throw new Error('no issue');
  expect(issue.path).toBe('(body)');
  return issue;
}

describe('parseSweepText', () => {
  it('gives equal definitions for the same sweep in JSON and YAML, defaults filled', () => {
    const fromYaml = parseSweepText(YAML, 'yaml');
    expect(parseSweepText(JSON_TEXT, 'json')).toEqual(fromYaml);
    expect(fromYaml).toEqual({
      name: 'smoke',
      regions: ['East', 'West'],
      seeds: { from: 0, to: 2 },
      randomout: {
        tau: [1e-8, 1e-4],
        activePercent: [30, 60],
        cgn: ['sum'],
        checkEvery: ['batch'],
        minTrainLoss: [null],
      },
      training: {
        epochs: [150],
        learningRate: [0.01, 0.05],
        batchSize: [32],
        dataSeed: [0],
        engine: 'tfjs',
      },
      dataset: {
        cropScale: 2,
        size: 16,
        splitSeed: 1,
        inputScale: ['standardise'],
        minmaxRange: [0, 150],
      },
      priority: 'normal',
      analysis: { failureMargin: 0.05 },
    });
  });

  it('accepts a byte-order mark at the start of either format', () => {
    expect(parseSweepText(`\uFEFF${JSON_TEXT}`, 'json')).toEqual(parseSweepText(YAML, 'yaml'));
    expect(parseSweepText(`\uFEFF${YAML}`, 'yaml')).toEqual(parseSweepText(YAML, 'yaml'));
  });

  it('refuses a text over the byte limit, counting UTF-8 bytes, not characters', () => {
    const padded = `${JSON_TEXT}${' '.repeat(100)}`;
    const limit = Buffer.byteLength(padded);
    expect(() => parseSweepText(padded, 'json', { maxBytes: limit })).not.toThrow();
    expect(bodyIssue(`${padded} `, 'json', limit).message).toContain(`limit is ${limit} bytes`);
    // 'é' is one character but two bytes: same length in characters, over the limit in bytes.
    const accented = padded.replace('"smoke"', '"smoké"');
    expect(accented.length).toBe(padded.length);
    const err = invalidSweep(() => parseSweepText(accented, 'json', { maxBytes: limit }));
    expect(err.issues[0]?.message).toContain(`${limit + 1} bytes`);
  });

  it('applies a default limit of 1 MiB', () => {
    expect(DEFAULT_MAX_SWEEP_BYTES).toBe(1024 * 1024);
    const huge = `${JSON_TEXT}${' '.repeat(DEFAULT_MAX_SWEEP_BYTES)}`;
    expect(bodyIssue(huge, 'json').message).toMatch(/limit is 1048576 bytes/);
  });

  describe('JSON syntax errors name line and column', () => {
    it.each([
      ['an unknown word', '{\n  "name": "x",\n  "seeds": nope\n}', 3, 12],
      ['a trailing comma', '{"name": "x",\n}', 2, 1],
      ['a truncated text', '{"name": ', 1, 10],
      ['text after the value', '{}\n{}', 2, 1],
      ['a single-quoted string', "{'name': 1}", 1, 2],
      ['an empty text', '', 1, 1],
      ['a bad escape', '{"name": "a\\qb"}', 1, 12],
    ])('%s', (_, text, line, column) => {
      const issue = bodyIssue(text, 'json');
      expect(issue).toMatchObject({ line, column });
      expect(issue.message).toMatch(new RegExp(`^line ${line}, column ${column}: `));
    });
  });

  it('refuses a duplicate key in JSON, which JSON.parse would silently drop', () => {
    const text = '{\n  "name": "x",\n  "name": "y"\n}';
    expect(bodyIssue(text, 'json')).toMatchObject({
      line: 3,
      column: 3,
      message: 'line 3, column 3: duplicate key "name"',
    });
    // Keys are compared decoded.
    expect(bodyIssue('{"name": "x", "n\\u0061me": "y"}', 'json').message).toContain(
      'duplicate key "name"',
    );
  });

  describe('YAML', () => {
    it('refuses a duplicate key, naming its line', () => {
      const issue = bodyIssue('name: a\nregions: [East]\nname: b\n', 'yaml');
      expect(issue).toMatchObject({ line: 3, column: 1 });
      expect(issue.message).toMatch(/unique/);
    });

    it('refuses an alias bomb before expanding it', () => {
      const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
      const names = 'abcdefghi';
      for (let i = 1; i < names.length; i++) {
        lines.push(
          `${names[i]}: &${names[i]} [${Array(9)
            .fill(`*${names[i - 1]}`)
            .join(', ')}]`,
        );
      }
      const started = performance.now();
      expect(bodyIssue(lines.join('\n'), 'yaml').message).toMatch(/alias/i);
      expect(performance.now() - started).toBeLessThan(2000);
    });

    it('still allows a few aliases', () => {
      const text =
        'name: s\nregions: [East]\nseeds: &s [1, 2]\nrandomout: {tau: *s, activePercent: *s}\n';
      expect(parseSweepText(text, 'yaml').randomout.tau).toEqual([1, 2]);
    });

    it.each([
      ['a list', '- name: x\n', 'a list'],
      ['a number', '42\n', 'number 42'],
      ['null', '~\n', 'null'],
    ])('refuses a document that is %s, not a mapping', (_, text, got) => {
      const err = invalidSweep(() => parseSweepText(text, 'yaml'));
      expect(err.issues).toEqual([
        { path: '(root)', message: `expected a mapping of sweep fields, got ${got}` },
      ]);
    });

    it('refuses an empty text', () => {
      expect(bodyIssue('# nothing here\n', 'yaml').message).toBe('the document is empty');
    });

    it('refuses more than one document', () => {
      const issue = bodyIssue('name: a\n---\nname: b\n', 'yaml');
      expect(issue).toMatchObject({ line: 2, column: 1 });
      expect(issue.message).toContain('expected one YAML document, found 2');
    });

    it('reports syntax errors with line and column', () => {
      const issue = bodyIssue('name: x\nregions: [East\nseeds: [1]\n', 'yaml');
      expect(issue.line).toBeGreaterThanOrEqual(2);
      expect(issue.column).toBeGreaterThanOrEqual(1);
      expect(issue.message).toMatch(/^line \d+, column \d+: /);
    });

    it.each([
      '!!binary aGk=',
      '!!set {a, b}',
      '!!timestamp 2001-12-14',
      '!custom x',
      '!!js/function x',
    ])('refuses the tag in %s', (value) => {
      expect(bodyIssue(`name: ${value}\n`, 'yaml').message).toMatch(/Unresolved tag/);
    });

    it('keeps YAML 1.2 core semantics even under a %YAML 1.1 directive', () => {
      const text =
        '%YAML 1.1\n---\nname: yes\nregions: [East]\nseeds: [1]\n' +
        'randomout: {tau: 1e-8, activePercent: 60}\n';
      expect(parseSweepText(text, 'yaml').name).toBe('yes');
    });

    it('does not merge `<<` keys: it is an unknown field', () => {
      const text =
        'name: s\nregions: [East]\nseeds: [1]\ncommon: &c {tau: 1e-8}\n' +
        'randomout:\n  <<: *c\n  activePercent: 60\n';
      const err = invalidSweep(() => parseSweepText(text, 'yaml'));
      expect(err.issues.map((i) => i.path)).toEqual(
        expect.arrayContaining(['common', 'randomout.<<', 'randomout.tau']),
      );
    });

    it('reads core-schema numbers and null the way JSON does', () => {
      const text =
        'name: s\nregions: [East]\nseeds: [0x10, 1e3]\n' +
        'randomout: {tau: [0, 1.5e-12], activePercent: 60, minTrainLoss: [~, 0.1]}\n';
      const def = parseSweepText(text, 'yaml');
      expect(def.seeds).toEqual([16, 1000]);
      expect(def.randomout.tau).toEqual([0, 1.5e-12]);
      expect(def.randomout.minTrainLoss).toEqual([null, 0.1]);
    });
  });

  it('refuses an unknown format or a meaningless limit', () => {
    expect(() => parseSweepText('{}', 'toml' as 'json')).toThrow(RangeError);
    expect(() => parseSweepText(JSON_TEXT, 'json', { maxBytes: Number.NaN })).toThrow(RangeError);
  });
});
