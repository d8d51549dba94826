import { interpolateRdBu, schemeTableau10 } from 'd3-scale-chromatic';
import { describe, expect, it } from 'vitest';
import {
  renderGridSvg,
  renderLotterySvg,
  renderSeedsSvg,
  renderSvg,
  svgToPng,
  svgToPngAsync,
  type LotteryLine,
} from '../src/index.js';
import { gridOf } from './grid-fixture.js';
import { elementsWithClass, rootAttributes } from './svg-helpers.js';
import { overlappingTexts, textBoxes, textsOutside } from './text-boxes.js';

/**
 * What every renderer draws alike: Chromium, librsvg, ImageMagick's own renderer and resvg (the
 * PNGs). Gradients, patterns, filters, masks and clip paths some of them drop or draw black;
 * ImageMagick draws every tspan at its text's x, over the one before, and turns rotated text
 * the other way round.
 */
const FRAGILE =
  /<(linearGradient|radialGradient|pattern|filter|mask|clipPath|tspan|textPath)\b|url\(#|rotate\(/;

const grid = renderGridSvg(
  gridOf([
    {
      id: 'East',
      taus: [1e-12, 1e-8, 1e-4],
      activePercents: [30, 60, 90],
      gains: [
        [0.012, -0.02, 0],
        [0.004, null, 0.018],
        [-0.001, 0.002, 0.005],
      ],
    },
    {
      id: 'West-lr0.05',
      region: 'West',
      taus: [1e-8, 2.5e-9],
      activePercents: [60, 90],
      gains: [
        [0.001, 0.002],
        [null, -0.003],
      ],
    },
  ]),
  { title: 'paper-fig3: mean gain of RandomOut over the baseline, paired by seed' },
);

const seeds = Array.from({ length: 30 }, (_, i) => ({
  seed: i,
  baseline: i % 7 === 0 ? 0.6 : 0.86 + (i % 5) * 0.01,
  treatment: 0.9 + (i % 6) * 0.008,
}));
const seedsSvg = renderSeedsSvg({
  title: 'paper-fig3: East, tau=1e-8, P=60%: seeds sorted by test accuracy',
  seeds,
  failureThreshold: 0.62,
});

const lines: LotteryLine[] = [
  {
    inputScale: 'minmax',
    region: 'East',
    points: [
      { learningRate: 0.001, n: 20, atChance: 0, meanAccuracy: 0.9 },
      { learningRate: 0.003, n: 20, atChance: 10, meanAccuracy: 0.76 },
      { learningRate: 0.01, n: 20, atChance: 20, meanAccuracy: 0.62 },
    ],
  },
  {
    inputScale: 'unit',
    region: 'West',
    points: [
      { learningRate: 0.02, n: 20, atChance: 2, meanAccuracy: 0.86 },
      { learningRate: 0.05, n: 20, atChance: 5, meanAccuracy: 0.8 },
    ],
  },
];
const lottery = renderLotterySvg({
  title: 'Where the filter lottery exists',
  note: '30 epochs, 20 seeds per learning rate',
  lines,
});

/** Every figure we draw, with the shapes that stress its layout. */
function figures(): [string, string][] {
  const one = gridOf([{ id: 'East', taus: [0.1], activePercents: [50], gains: [[0.004]], n: 2 }]);
  const wide = gridOf([
    {
      id: 'East, lr=0.05, standardised inputs, a long name',
      taus: [1.2345e-10, 1e-8],
      activePercents: [5, 10, 20, 40, 60, 80, 90, 95, 99, 100],
      gains: [
        [0.3, -0.2, 0.1, 0, 0.05, null, 0.01, -0.01, 0.02, 0.4],
        [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, -0.37],
      ],
    },
  ]);
  const many: LotteryLine[] = ['minmax', 'unit', 'standardise', 'raw'].flatMap((inputScale) =>
    ['East', 'West', 'North-West'].map((region) => ({
      inputScale,
      region,
      points: [{ learningRate: 0.01, n: 4, atChance: 1, meanAccuracy: 0.8 }],
    })),
  );
  const bigSeeds = Array.from({ length: 12_000 }, (_, i) => ({
    seed: i,
    baseline: 0.6 + (i % 100) / 400,
    treatment: 0.7 + (i % 90) / 400,
  }));
  return [
    ['grid', grid],
    ['grid of one cell', renderGridSvg(one, { title: 'run-test: mean gain' })],
    ['wide grid', renderGridSvg(wide)],
    ['empty grid', renderGridSvg({ trials: { total: 0, done: 0 }, groups: [] })],
    ['seeds', seedsSvg],
    [
      'seeds of 12,000 runs',
      renderSeedsSvg({ title: 'big', seeds: bigSeeds, failureThreshold: 0.6 }),
    ],
    ['seeds without results', renderSeedsSvg({ title: 'nothing yet', seeds: [] })],
    ['lottery', lottery],
    ['lottery of 12 lines', renderLotterySvg({ title: 'many', note: 'n', lines: many })],
    ['lottery without lines', renderLotterySvg({ title: 'none', note: 'n', lines: [] })],
  ];
}

/** The [r, g, b, a] of pixel (x, y). */
function pixel(image: Image, x: number, y: number): number[] {
  const at = 4 * (Math.round(y) * image.width + Math.round(x));
  return [...image.pixels.subarray(at, at + 4)];
}

function hex(rgb: readonly number[]): string {
  return `#${rgb
    .slice(0, 3)
    .map((c) => c.toString(16).padStart(2, '0'))
    .join('')}`;
}

/** How many pixels are exactly `colour` (#rrggbb), fully opaque. */
function pixelsOf(image: Image, colour: string): number {
  const [r, g, b] = rgb(colour);
  const { pixels } = image;
  let count = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    if (pixels[i] === r && pixels[i + 1] === g && pixels[i + 2] === b && pixels[i + 3] === 255)
      count++;
  }
  return count;
}

/** A colour as d3 writes it, rgb(r, g, b), or #rrggbb, as [r, g, b]. */
function rgb(colour: string): number[] {
  const m = /^rgb\((\d+), (\d+), (\d+)\)$/.exec(colour);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  const h = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (h) return [1, 2, 3].map((i) => parseInt(h[i]!, 16));
  throw new Error(`not a colour: ${colour}`);
}

/** Each colour channel within `tolerance` of the expected. */
function near(actual: readonly number[], expected: readonly number[], tolerance = 24): boolean {
  return expected.every((c, i) => Math.abs((actual[i] ?? -1000) - c) <= tolerance);
}

/** A rendered figure's size and pixels, read once: resvg's `pixels` copies them at each read. */
interface Image {
  width: number;
  height: number;
  pixels: Buffer;
}

const rendered = new Map<string, Image>();
/** A figure's pixels, rendered once per test file: each render loads the system's fonts. */
function render(svg: string): Image {
  let image = rendered.get(svg);
  if (!image) {
    const { width, height, pixels } = renderSvg(svg);
    rendered.set(svg, (image = { width, height, pixels }));
  }
  return image;
}

describe('figures for papers and slides', () => {
  it.each(figures())('%s uses nothing that some renderer drops', (_, svg) => {
    expect(svg).not.toMatch(FRAGILE);
    // ImageMagick outlines text unless the document says there is no stroke, and draws a line's
    // fill (the text colour, inherited) as a hairline through a dashed line.
    expect(rootAttributes(svg).stroke).toBe('none');
    expect(svg.match(/<line\s[^>]*>/g)?.filter((l) => !l.includes('fill="none"')) ?? []).toEqual(
      [],
    );
  });

  it.each(figures())('%s has no two texts over each other, all inside the figure', (_, svg) => {
    expect(textBoxes(svg).length).toBeGreaterThan(0);
    expect(overlappingTexts(svg)).toEqual([]);
    expect(textsOutside(svg)).toEqual([]);
  });

  it.each(figures())('%s renders to a PNG at twice its size', (_, svg) => {
    const png = svgToPng(svg);
    const image = render(svg);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
    expect(renderSvg(svg).asPng()).toEqual(png);
    const root = rootAttributes(svg);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([
      2 * Number(root.width),
      2 * Number(root.height),
    ]);
    expect([image.width, image.height]).toEqual([2 * Number(root.width), 2 * Number(root.height)]);
  });

  it('renders off the event loop to the same PNG', async () => {
    expect(await svgToPngAsync(grid)).toEqual(svgToPng(grid));
  });

  it("draws the heatmap's colour bar in the scale's colours, red at the bottom, blue on top", () => {
    const image = render(grid);
    const [bar] = elementsWithClass(grid, 'rect', 'legend-bar');
    const [x, y, width, height] = ['x', 'y', 'width', 'height'].map((k) => 2 * Number(bar?.[k]));
    // Down the middle of the bar, clear of its outline.
    const column = Array.from({ length: height! - 4 }, (_, i) =>
      pixel(image, x! + width! / 2, y! + 2 + i),
    );
    // Not one colour (ImageMagick drew the gradient black): dozens of steps of the scale.
    expect(new Set(column.map(hex)).size).toBeGreaterThanOrEqual(24);
    const [top, middle, bottom] = [column[0]!, column[column.length >> 1]!, column.at(-1)!];
    // The scale's ends, its darkest blue (+extent) on top and its darkest red at the bottom, and
    // its pale midpoint, zero, in the middle.
    expect(near(top, rgb(interpolateRdBu(1))), hex(top)).toBe(true);
    expect(near(middle, rgb(interpolateRdBu(0.5))), hex(middle)).toBe(true);
    expect(near(bottom, rgb(interpolateRdBu(0))), hex(bottom)).toBe(true);
  });

  it("draws the heatmap's cells in their own colours", () => {
    const image = render(grid);
    const cells = elementsWithClass(grid, 'rect', 'cell');
    expect(cells.length).toBeGreaterThan(0);
    for (const cell of cells) {
      // A corner of the cell, clear of its labels and of its white border.
      const colour = pixel(image, 2 * Number(cell.x) + 4, 2 * Number(cell.y) + 4);
      expect(near(colour, rgb(cell.fill!), 1), `${hex(colour)} for ${cell.fill}`).toBe(true);
    }
  });

  it("draws the seeds plot's two series in their colours", () => {
    const image = render(seedsSvg);
    for (const colour of [schemeTableau10[0]!, schemeTableau10[1]!]) {
      expect(pixelsOf(image, colour), colour).toBeGreaterThan(500);
    }
  });

  it("draws the lottery chart's lines in their colours", () => {
    const image = render(lottery);
    for (const colour of [schemeTableau10[0]!, schemeTableau10[1]!]) {
      expect(pixelsOf(image, colour), colour).toBeGreaterThan(200);
    }
  });
});
