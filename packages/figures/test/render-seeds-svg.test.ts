import { describe, expect, it } from 'vitest';
import { renderSeedsSvg } from '../src/index.js';
import { groupsWithClass, rootAttributes } from './svg-helpers.js';
import { xmlProblems } from './xml-check.js';

const seeds = [
  { seed: 0, baseline: 0.9, treatment: 0.91 },
  { seed: 1, baseline: 0.62, treatment: 0.9 },
  { seed: 2, baseline: 0.93, treatment: null },
  { seed: 3, baseline: null, treatment: 0.88 },
  { seed: 4, baseline: 0.89, treatment: 0.94 },
  { seed: 5, baseline: 0.91, treatment: 0.905 },
];

/** Marker centres of a series, in document order: circles for RandomOut, 6x6 squares for baseline. */
function points(svg: string, series: 'randomout' | 'baseline'): [number, number][] {
  const [markup = ''] = groupsWithClass(svg, `series ${series}`);
  if (series === 'randomout') {
    return [...markup.matchAll(/<circle cx="([^"]+)" cy="([^"]+)"/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
  }
  return [...markup.matchAll(/<rect x="([^"]+)" y="([^"]+)" width="6" height="6"/g)].map((m) => [
    Number(m[1]) + 3,
    Number(m[2]) + 3,
  ]);
}

describe('renderSeedsSvg', () => {
  const svg = renderSeedsSvg({ title: 'East <τ=1e-8> & P=60%', seeds, failureThreshold: 0.62 });

  it('is a well-formed standalone SVG with a viewBox', () => {
    expect(xmlProblems(svg)).toEqual([]);
    const root = rootAttributes(svg);
    expect(root.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(root.viewBox).toBe(`0 0 ${root.width} ${root.height}`);
  });

  it('sorts each series ascending on its own and skips missing values', () => {
    for (const series of ['randomout', 'baseline'] as const) {
      const marks = points(svg, series);
      expect(marks).toHaveLength(5);
      for (let i = 1; i < marks.length; i += 1) {
        const [x0, y0] = marks[i - 1]!;
        const [x1, y1] = marks[i]!;
        expect(x1).toBeGreaterThan(x0);
        // SVG y grows downwards: higher accuracy, smaller y.
        expect(y1).toBeLessThanOrEqual(y0);
      }
    }
  });

  it('puts equal accuracies at equal heights in both series', () => {
    // 0.9 is the 2nd RandomOut value (0.88, 0.9, ...) and the 3rd baseline (0.62, 0.89, 0.9, ...).
    expect(points(svg, 'randomout')[1]?.[1]).toBe(points(svg, 'baseline')[2]?.[1]);
  });

  it('draws the two lines with a legend and a dashed threshold line', () => {
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('>RandomOut (5 runs)</text>');
    expect(svg).toContain('>Baseline (5 runs)</text>');
    const [threshold] = groupsWithClass(svg, 'threshold');
    expect(threshold).toContain('stroke-dasharray');
    expect(threshold).toContain('>62.0%</text>');
    // The failed baseline sits on the threshold: the same height.
    const lineY = Number(/y1="([^"]+)"/.exec(threshold ?? '')?.[1]);
    expect(points(svg, 'baseline')[0]?.[1]).toBeCloseTo(lineY, 1);
  });

  it('leaves the threshold out when it is unknown', () => {
    const none = renderSeedsSvg({ title: 't', seeds, failureThreshold: null });
    expect(groupsWithClass(none, 'threshold')).toHaveLength(0);
    expect(none).not.toContain('failure threshold');
  });

  it('escapes the title', () => {
    expect(svg).toContain('East &lt;τ=1e-8&gt; &amp; P=60%');
  });

  it('is deterministic and never prints NaN or Infinity', () => {
    expect(renderSeedsSvg({ title: 'East <τ=1e-8> & P=60%', seeds, failureThreshold: 0.62 })).toBe(
      svg,
    );
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('says "No results yet" without seeds or without any result', () => {
    for (const input of [[], [{ seed: 1, baseline: null, treatment: null }]]) {
      const empty = renderSeedsSvg({ title: 'Nothing yet', seeds: input });
      expect(xmlProblems(empty)).toEqual([]);
      expect(empty).toContain('No results yet');
      expect(empty).not.toMatch(/NaN|Infinity/);
    }
  });

  it('copes with one value and with all values equal', () => {
    for (const input of [
      [{ seed: 1, baseline: 0.9, treatment: null }],
      [
        { seed: 1, baseline: 1, treatment: 1 },
        { seed: 2, baseline: 1, treatment: 1 },
      ],
    ]) {
      const out = renderSeedsSvg({ title: 'edge', seeds: input, failureThreshold: 0.5 });
      expect(xmlProblems(out)).toEqual([]);
      expect(out).not.toMatch(/NaN|Infinity/);
    }
  });
});
