import { interpolateRdBu } from 'd3-scale-chromatic';
import { describe, expect, it } from 'vitest';
import { renderGridSvg } from '../src/index.js';
import { gridOf } from './grid-fixture.js';
import { elementsWithClass, groupsWithClass, rootAttributes } from './svg-helpers.js';
import { xmlProblems } from './xml-check.js';

const east = {
  id: 'East',
  taus: [1e-12, 1e-8, 1e-4],
  activePercents: [30, 60, 90],
  gains: [
    [0.012, -0.02, 0],
    [0.004, null, 0.018],
    [-0.001, 0.002, 0.005],
  ],
};
const west = {
  id: 'West <lr=0.05> & "cgn=sum"',
  region: 'West',
  taus: [1e-8, 2.5e-9],
  activePercents: [60, 90],
  gains: [
    [0.001, 0.002],
    [null, -0.003],
  ],
};

function cellFills(svg: string): string[] {
  return elementsWithClass(svg, 'rect', 'cell').map((rect) => rect.fill ?? '');
}

describe('renderGridSvg', () => {
  const svg = renderGridSvg(gridOf([east, west]), { title: 'Figure 3 <draft> & more' });

  it('is a well-formed standalone SVG with a viewBox matching its size', () => {
    expect(xmlProblems(svg)).toEqual([]);
    const root = rootAttributes(svg);
    expect(root.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(root.viewBox).toBe(`0 0 ${root.width} ${root.height}`);
    expect(Number(root.width)).toBeGreaterThan(300);
    expect(Number(root.height)).toBeGreaterThan(300);
  });

  it('draws taus x Ps cells per group', () => {
    const groups = groupsWithClass(svg, 'group');
    expect(groups).toHaveLength(2);
    expect(elementsWithClass(groups[0] ?? '', 'rect', 'cell')).toHaveLength(9);
    expect(elementsWithClass(groups[1] ?? '', 'rect', 'cell')).toHaveLength(4);
  });

  it('colours gains on a diverging scale symmetric around zero', () => {
    const fills = cellFills(svg);
    // Display order: largest tau on top, P ascending. East row 1e-12 is the third row.
    const zero = fills[8];
    const loss = fills[7]; // -2.0 pp, the largest |gain|: the scheme's end
    const gain = fills[6]; // +1.2 pp
    expect(zero).toBe(interpolateRdBu(0.5));
    expect(loss).toBe(interpolateRdBu(0));
    expect(gain).toBe(interpolateRdBu(0.5 + 1.2 / 2 / 2));
    expect(gain).not.toBe(loss);
  });

  it('keeps the colour domain at least ±0.5 pp', () => {
    const small = renderGridSvg(
      gridOf([{ id: 'G', taus: [1], activePercents: [50], gains: [[0.001]] }]),
    );
    expect(cellFills(small)).toEqual([interpolateRdBu(0.5 + 0.1 / 0.5 / 2)]);
  });

  it('labels cells with the signed gain and n, and greys out cells without pairs', () => {
    expect(svg).toContain('>+1.2</text>');
    expect(svg).toContain('>−2.0</text>');
    expect(svg).toContain('>0.0</text>');
    expect(svg).toContain('>n=50</text>');
    const empty = elementsWithClass(svg, 'rect', 'no-data');
    expect(empty).toHaveLength(2);
    expect(empty.every((rect) => rect.fill === '#d9d9d9')).toBe(true);
    expect(svg.match(/>–<\/text>/g)).toHaveLength(2);
  });

  it('labels the axes with taus like 1e-8 and P in percent', () => {
    for (const label of ['1e-12', '1e-8', '1e-4', '2.5e-9', '30%', '60%', '90%']) {
      expect(svg).toContain(`>${label}</text>`);
    }
  });

  it('has a colour legend of plain bands, the scale from loss to gain, with ticks', () => {
    // No gradient: ImageMagick draws one black.
    expect(svg).not.toContain('Gradient');
    const steps = elementsWithClass(svg, 'rect', 'legend-step');
    expect(steps).toHaveLength(32);
    // Bottom to top, the middle of each band: -2.0 pp (the largest |gain|) to +2.0 pp.
    expect(steps[0]?.fill).toBe(interpolateRdBu(0.5 / 32));
    expect(steps[31]?.fill).toBe(interpolateRdBu(31.5 / 32));
    expect(Number(steps[0]?.y)).toBeGreaterThan(Number(steps[31]?.y));
    // The bands tile the bar without a gap.
    const [bar] = elementsWithClass(svg, 'rect', 'legend-bar');
    expect(bar?.fill).toBe('none');
    const top = Math.min(...steps.map((s) => Number(s.y)));
    const bottom = Math.max(...steps.map((s) => Number(s.y) + Number(s.height)));
    expect(top).toBeCloseTo(Number(bar?.y), 1);
    expect(bottom).toBeCloseTo(Number(bar?.y) + Number(bar?.height), 1);
    for (let i = 1; i < steps.length; i++) {
      expect(Number(steps[i]!.y) + Number(steps[i]!.height)).toBeGreaterThanOrEqual(
        Number(steps[i - 1]!.y),
      );
    }
    expect(elementsWithClass(svg, 'rect', 'legend-bar')).toHaveLength(1);
    expect(svg).toContain('>Mean gain (pp)</text>');
    expect(svg).toContain('>+2.0</text>');
  });

  it('escapes the title and group ids', () => {
    expect(svg).toContain('Figure 3 &lt;draft&gt; &amp; more');
    expect(svg).toContain('West &lt;lr=0.05&gt; &amp; &quot;cgn=sum&quot;');
    expect(svg).not.toContain('<lr=0.05>');
  });

  it('is deterministic and never prints NaN or Infinity', () => {
    expect(renderGridSvg(gridOf([east, west]), { title: 'Figure 3 <draft> & more' })).toBe(svg);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('says "No results yet" for an empty grid', () => {
    const empty = renderGridSvg({ trials: { total: 0, done: 0 }, groups: [] });
    expect(xmlProblems(empty)).toEqual([]);
    expect(empty).toContain('No results yet');
    expect(empty).not.toMatch(/NaN|Infinity/);
  });

  it('draws a grid whose cells have no pairs yet all grey', () => {
    const pending = renderGridSvg(
      gridOf([{ id: 'East', taus: [1e-8], activePercents: [60, 90], gains: [[null, null]] }], {
        total: 4,
        done: 0,
      }),
    );
    expect(xmlProblems(pending)).toEqual([]);
    expect(elementsWithClass(pending, 'rect', 'no-data')).toHaveLength(2);
    expect(pending).toContain('0 of 4 trials done');
    expect(pending).not.toMatch(/NaN|Infinity/);
  });

  it('handles a group without cells', () => {
    const bare = renderGridSvg(gridOf([{ id: 'East', taus: [], activePercents: [60], gains: [] }]));
    expect(xmlProblems(bare)).toEqual([]);
    expect(elementsWithClass(bare, 'rect', 'cell')).toHaveLength(0);
    expect(bare).not.toMatch(/NaN|Infinity/);
  });
});

describe('renderGridSvg layout', () => {
  it('starts the colour legend right of a narrow heatmap x-axis title, which is wider than its cells', () => {
    const svg = renderGridSvg(gridOf([{ ...west, id: 'narrow' }]));
    const legendX = Number(/class="legend-bar"[^>]*\bx="([\d.]+)"/.exec(svg)?.[1]);
    const title =
      /<text([^>]*)>P \(% of epochs with RandomOut active\)<\/text>/.exec(svg)?.[1] ?? '';
    // Wider than two cells, it starts at their left edge rather than reach into the tau title.
    expect(title).toContain('text-anchor="start"');
    const start = Number(/\bx="([\d.]+)"/.exec(title)?.[1]);
    // 37 characters at 11 px in a sans-serif font: about 220 px.
    expect(legendX).toBeGreaterThan(start + 220);
  });
});

describe('renderGridSvg with diverged runs', () => {
  it('counts the diverged runs of a cell beside its n, in its hover text and in the note', () => {
    const grid = gridOf([
      { id: 'East', taus: [1e-8], activePercents: [60, 90], gains: [[-0.19, 0.001]], n: 10 },
    ]);
    grid.groups[0]!.cells[0]![0]!.diverged = 8;
    const svg = renderGridSvg(grid);
    expect(svg).toContain('n=10 · 8 div.');
    expect(svg).toContain(', 8 diverged</title>');
    expect(svg).toContain('div. = runs that diverged');
    // The cell without diverged runs keeps its plain n.
    expect(svg.match(/>n=10</g)).toHaveLength(1);
    expect(renderGridSvg(gridOf([east]))).not.toContain('div.');
  });
});
