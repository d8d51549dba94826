import { describe, expect, it } from 'vitest';
import { formatGain, formatPercent, formatTau } from '../src/number-labels.js';
import { svgNumber } from '../src/svg-number.js';
import { escapeXml } from '../src/xml.js';

describe('labels', () => {
  it('writes taus as the paper does, without losing digits', () => {
    expect([1e-8, 1e-12, 2.5e-9, 1e-4, 1, 0].map(formatTau)).toEqual([
      '1e-8',
      '1e-12',
      '2.5e-9',
      '1e-4',
      '1e+0',
      '0',
    ]);
  });

  it('writes gains in pp with a sign, and no negative zero', () => {
    expect([1.23, -0.26, 0, -0.04, 0.04, 12.345].map(formatGain)).toEqual([
      '+1.2',
      '−0.3',
      '0.0',
      '0.0',
      '0.0',
      '+12.3',
    ]);
    expect(formatPercent(0.9123)).toBe('91.2%');
  });

  it('rounds coordinates and refuses non-finite ones', () => {
    expect(svgNumber(1.23456)).toBe('1.23');
    expect(svgNumber(-0.001)).toBe('0');
    expect(() => svgNumber(Number.NaN)).toThrow(RangeError);
    expect(() => svgNumber(Infinity)).toThrow(RangeError);
  });

  it('escapes the five XML special characters', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;',
    );
  });
});
