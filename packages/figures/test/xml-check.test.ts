import { describe, expect, it } from 'vitest';
import { xmlProblems } from './xml-check.js';

// The checker is only worth what it catches.
describe('xmlProblems', () => {
  it('accepts well-formed documents', () => {
    expect(xmlProblems('<a x="1"><b/>t &amp; &lt;u&gt;<c y=\'2\'>z</c></a>')).toEqual([]);
  });

  it.each([
    ['<a><b></a>', /closes/],
    ['<a>', /unclosed/],
    ['<a/><b/>', /2 root/],
    ['<a>x & y</a>', /raw '&'/],
    ['<a>x < y</a>', /unexpected '<'/],
    ['<a x="1" x="2"/>', /duplicate/],
    ['<a x=1/>', /unexpected '<'/],
  ])('rejects %s', (xml, problem) => {
    expect(xmlProblems(xml).join('\n')).toMatch(problem);
  });
});
