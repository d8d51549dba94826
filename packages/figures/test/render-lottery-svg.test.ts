import { describe, expect, it } from 'vitest';
import { renderLotterySvg, svgToPng, type LotteryLine } from '../src/index.js';
import { rootAttributes } from './svg-helpers.js';
import { xmlProblems } from './xml-check.js';

const lines: LotteryLine[] = [
  {
    inputScale: 'minmax',
    region: 'East',
    points: [
      { learningRate: 0.01, n: 20, atChance: 20, meanAccuracy: 0.62 },
      { learningRate: 0.001, n: 20, atChance: 0, meanAccuracy: 0.9 },
      { learningRate: 0.003, n: 20, atChance: 10, meanAccuracy: 0.76 },
    ],
  },
  {
    inputScale: 'minmax',
    region: 'West',
    points: [
      { learningRate: 0.001, n: 10, atChance: 1, meanAccuracy: 0.85 },
      { learningRate: 0.01, n: 0, atChance: 0, meanAccuracy: null },
    ],
  },
  {
    inputScale: 'unit',
    region: 'East',
    points: [{ learningRate: 0.05, n: 20, atChance: 5, meanAccuracy: 0.8 }],
  },
];

/** Each series group in document order (left panel first), with its polyline's points. */
function series(svg: string): { scale: string; region: string; dashed: boolean; xy: number[][] }[] {
  const pattern =
    /<g class="series" data-input-scale="([^"]+)" data-region="([^"]+)"><polyline points="([^"]*)"([^>]*)>/g;
  return [...svg.matchAll(pattern)].map((m) => ({
    scale: m[1]!,
    region: m[2]!,
    dashed: (m[4] ?? '').includes('stroke-dasharray'),
    xy: (m[3] ?? '')
      .split(' ')
      .filter(Boolean)
      .map((p) => p.split(',').map(Number)),
  }));
}

describe('renderLotterySvg', () => {
  const svg = renderLotterySvg({ title: 'Lottery <search>', note: '30 epochs', lines });

  it('is a well-formed standalone SVG', () => {
    expect(xmlProblems(svg)).toEqual([]);
    expect(rootAttributes(svg).viewBox).toBe(`0 0 ${rootAttributes(svg).width} 470`);
  });

  it('draws every line in both panels, sorted by learning rate, dashed outside East', () => {
    const drawn = series(svg);
    expect(drawn.map((s) => `${s.scale}/${s.region}`)).toEqual([
      'minmax/East',
      'minmax/West',
      'unit/East',
      'minmax/East',
      'minmax/West',
      'unit/East',
    ]);
    expect(drawn.map((s) => s.dashed)).toEqual([false, true, false, false, true, false]);
    const [chance, west] = drawn;
    // x grows with the learning rate; at chance 0%, 50%, 100% are evenly spaced in y.
    const xs = chance!.xy.map(([x]) => x!);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    const ys = chance!.xy.map(([, y]) => y!);
    expect(ys[0]! - ys[1]!).toBeCloseTo(ys[1]! - ys[2]!, 6);
    expect(ys[0]!).toBeGreaterThan(ys[2]!);
    // A point without results is left out, not drawn at zero.
    expect(west!.xy).toHaveLength(1);
    expect(drawn[4]!.xy).toHaveLength(1);
  });

  it('labels learning rates by decade as people write them', () => {
    for (const label of ['0.001', '0.01']) expect(svg).toContain(`>${label}</text>`);
    // Only decades inside the plotted range: 0.1 lies beyond 0.01 x 1.4.
    expect(svg).not.toContain('>0.1</text>');
  });

  it('renders to a PNG at twice the size', () => {
    const png = svgToPng(svg);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(2 * Number(rootAttributes(svg).width));
    expect(png.readUInt32BE(20)).toBe(2 * 470);
  });
});
