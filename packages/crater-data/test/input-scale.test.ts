import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INPUT_SCALES, scaleInputs, type InputScale } from '../src/input-scale.js';
import { loadRegion } from '../src/load-region.js';
import { DATA_DIR, tempDir } from './fixtures.js';

function scaled(values: number[], inputScale: InputScale, range: [number, number] = [0, 150]) {
  const out = new Float32Array(values.length + 2);
  scaleInputs(Float64Array.from(values), { inputScale, minmaxRange: range }, out, 1);
  return Array.from(out);
}

describe('scaleInputs', () => {
  const grey = [10, 60, 110, 210];

  it('standardises to zero mean and unit variance', () => {
    // mean 50, population standard deviation 50.
    expect(scaled([0, 0, 100, 100], 'standardise')).toEqual([0, -1, -1, 1, 1, 0]);
  });

  it('min-max scales each crop to the range, the darkest pixel to its low end', () => {
    expect(scaled(grey, 'minmax')).toEqual([0, 0, 37.5, 75, 150, 0]);
    expect(scaled(grey, 'minmax', [-1, 1])).toEqual([0, -1, -0.5, 0, 1, 0]);
  });

  it('divides by 255 for unit and keeps grey levels for raw', () => {
    expect(scaled(grey, 'unit')).toEqual([0, ...grey.map((g) => Math.fround(g / 255)), 0]);
    expect(scaled(grey, 'raw')).toEqual([0, ...grey, 0]);
  });

  it('maps a flat crop to the scale value of no contrast instead of dividing by zero', () => {
    expect(scaled([7, 7, 7], 'standardise')).toEqual([0, 0, 0, 0, 0]);
    expect(scaled([7, 7, 7], 'minmax', [20, 150])).toEqual([0, 20, 20, 20, 0]);
    expect(scaled([7, 7, 7], 'unit')).toEqual([
      0,
      ...[7, 7, 7].map((g) => Math.fround(g / 255)),
      0,
    ]);
  });
});

describe('input scales of the real dataset', () => {
  let cacheDir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => ({ dir: cacheDir, remove } = await tempDir()));
  afterEach(() => remove());

  it('prepares every scale at the authors crop (scale 1) under its own identity and cache file', async () => {
    const regions = await Promise.all(
      INPUT_SCALES.map((inputScale) =>
        loadRegion('East', { dataDir: DATA_DIR, cacheDir, cropScale: 1, inputScale }),
      ),
    );
    const hashes = regions.map((r) => r.identityHash);
    expect(new Set(hashes).size).toBe(INPUT_SCALES.length);
    expect((await readdir(cacheDir)).sort()).toEqual(hashes.map((h) => `${h}.bin`).sort());
    const [standardised, minmax, unit, raw] = regions as [
      (typeof regions)[0],
      (typeof regions)[0],
      (typeof regions)[0],
      (typeof regions)[0],
    ];
    expect(minmax.identity).toMatchObject({ inputScale: 'minmax', minmaxRange: [0, 150] });
    expect(unit.identity).not.toHaveProperty('minmaxRange');
    // The same crops, scaled differently: raw is 255 x unit, and every min-max crop spans
    // [0, 150] exactly unless it is flat.
    const pixels = 15 * 15;
    for (let i = 0; i < raw.train.x.length; i++) {
      expect(raw.train.x[i]).toBeCloseTo(255 * unit.train.x[i]!, 3);
    }
    let flat = 0;
    for (let e = 0; e < minmax.train.count; e++) {
      const crop = minmax.train.x.subarray(e * pixels, (e + 1) * pixels);
      const max = Math.max(...crop);
      if (max === 0) flat++;
      else {
        expect(Math.min(...crop)).toBe(0);
        expect(max).toBe(150);
      }
    }
    expect(flat).toBeLessThan(minmax.train.count / 100);
    expect(Array.from(standardised.train.y)).toEqual(Array.from(raw.train.y));
    const mean = raw.train.x.reduce((s, v) => s + v, 0) / raw.train.x.length;
    expect(mean).toBeGreaterThan(20);
    expect(mean).toBeLessThan(235);
  });

  it('keeps one identity for every range when the scale does not read it', async () => {
    const a = await loadRegion('East', { dataDir: DATA_DIR, inputScale: 'unit' });
    const b = await loadRegion('East', {
      dataDir: DATA_DIR,
      inputScale: 'unit',
      minmaxRange: [0, 1],
    });
    const c = await loadRegion('East', {
      dataDir: DATA_DIR,
      inputScale: 'minmax',
      minmaxRange: [0, 1],
    });
    const d = await loadRegion('East', { dataDir: DATA_DIR, inputScale: 'minmax' });
    expect(b.identityHash).toBe(a.identityHash);
    expect(new Set([a.identityHash, c.identityHash, d.identityHash]).size).toBe(3);
  });
});
