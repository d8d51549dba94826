import { describe, expect, it } from 'vitest';
import { datasetStats } from '../src/dataset-stats.js';
import { loadRegion } from '../src/load-region.js';
import { readRegionCandidates } from '../src/region-candidates.js';
import type { RegionName } from '../src/regions.js';
import { splitRegion } from '../src/split.js';
import { DATA_DIR } from './fixtures.js';

async function labelsOf(region: RegionName): Promise<Uint8Array> {
  return Uint8Array.from(await readRegionCandidates(DATA_DIR, region), (c) => c.label);
}

function count(labels: Uint8Array, indices: Int32Array, label: number): number {
  return indices.reduce((n, i) => n + (labels[i] === label ? 1 : 0), 0);
}

describe('regions of the real dataset', () => {
  it('have the paper counts and 50/50 split sizes', async () => {
    expect(await datasetStats({ dataDir: DATA_DIR })).toEqual([
      { region: 'West', craters: 1121, nonCraters: 1385, train: 1253, test: 1253 },
      { region: 'Center', craters: 443, nonCraters: 738, train: 591, test: 590 },
      { region: 'East', craters: 458, nonCraters: 765, train: 612, test: 611 },
    ]);
  });

  it.each([
    ['West', 1253, 1253, 561],
    ['Center', 591, 590, 222],
    ['East', 612, 611, 229],
  ] as const)('%s splits stratified and disjoint', async (region, nTrain, nTest, trainCraters) => {
    const labels = await labelsOf(region);
    const { train, test } = splitRegion(region, labels, 1);
    expect([train.length, test.length]).toEqual([nTrain, nTest]);
    expect(count(labels, train, 1)).toBe(trainCraters);
    expect(count(labels, test, 1)).toBe(
      count(labels, new Int32Array(labels.keys()), 1) - trainCraters,
    );
    // Disjoint and together exactly the region's candidates.
    expect([...train, ...test].sort((a, b) => a - b)).toEqual([...labels.keys()]);
  });

  it('splits the same for the same seed and differently for another seed', async () => {
    const labels = await labelsOf('West');
    const a = splitRegion('West', labels, 1);
    expect(splitRegion('West', labels, 1)).toEqual(a);
    const b = splitRegion('West', labels, 2);
    expect(new Set(b.train)).not.toEqual(new Set(a.train));
    // Seeds 1 and 2 keep the stratification, only the membership moves.
    expect(count(labels, b.train, 1)).toBe(561);
  });

  it('is pinned: the default West split never changes without a preparation bump', async () => {
    // If this fails on purpose, bump PREPARATION_VERSION and update these indices.
    const { train, test } = splitRegion('West', await labelsOf('West'), 1);
    expect([...train.subarray(0, 5)]).toEqual([532, 2473, 2084, 1731, 1174]);
    expect([...test.subarray(0, 5)]).toEqual([533, 1681, 2128, 1800, 1059]);
  });

  it('loads standardised East examples with labels in split order', async () => {
    const east = await loadRegion('East', { dataDir: DATA_DIR });
    expect(east.size).toBe(15);
    expect([east.craters, east.nonCraters]).toEqual([458, 765]);
    expect([east.train.count, east.test.count]).toEqual([612, 611]);
    expect(east.train.x.length).toBe(612 * 225);
    expect(east.test.y.length).toBe(611);
    expect(east.train.y.reduce((n, y) => n + y, 0)).toBe(229);
    const labels = await labelsOf('East');
    const { train } = splitRegion('East', labels, 1);
    expect([...east.train.y]).toEqual([...train].map((i) => labels[i]));
    for (const set of [east.train, east.test]) {
      for (let i = 0; i < set.count; i++) {
        const ex = set.x.subarray(i * 225, (i + 1) * 225);
        const mean = ex.reduce((s, v) => s + v, 0) / 225;
        const variance = ex.reduce((s, v) => s + (v - mean) ** 2, 0) / 225;
        expect(Math.abs(mean)).toBeLessThan(1e-5);
        expect(variance).toBeCloseTo(1, 4);
      }
    }
  });
});
