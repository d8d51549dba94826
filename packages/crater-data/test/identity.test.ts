import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../src/cache-dir.js';
import { DATASET_SOURCE } from '../src/checksums.js';
import { InvalidOptionError } from '../src/errors/invalid-option-error.js';
import { datasetIdentityHash, type DatasetIdentity } from '../src/identity.js';
import { loadRegion } from '../src/load-region.js';
import type { RegionName } from '../src/regions.js';
import { DATA_DIR } from './fixtures.js';

const west: DatasetIdentity = {
  source: DATASET_SOURCE,
  region: 'West',
  cropScale: 2,
  size: 15,
  splitSeed: 1,
  preparation: 1,
};

describe('datasetIdentityHash', () => {
  it('hashes the canonical JSON: sorted keys, no whitespace', () => {
    const json =
      '{"cropScale":2,"preparation":1,"region":"West","size":15,' +
      '"source":"ieee8023/CraterDataset@646da4c518c1662fad6d3bb607cf04b77213ca7f","splitSeed":1}';
    expect(datasetIdentityHash(west)).toBe(createHash('sha256').update(json).digest('hex'));
    const reordered = Object.fromEntries(Object.entries(west).reverse()) as DatasetIdentity;
    expect(datasetIdentityHash(reordered)).toBe(datasetIdentityHash(west));
  });

  it('changes with every field', () => {
    const variants: Partial<DatasetIdentity>[] = [
      { region: 'East' },
      { cropScale: 2.5 },
      { size: 16 },
      { splitSeed: 2 },
      { preparation: 2 },
      { inputScale: 'unit' },
      { inputScale: 'minmax', minmaxRange: [0, 150] },
      { inputScale: 'minmax', minmaxRange: [0, 1] },
    ];
    const hashes = variants.map((v) => datasetIdentityHash({ ...west, ...v }));
    expect(new Set([datasetIdentityHash(west), ...hashes]).size).toBe(variants.length + 1);
  });
});

describe('loadRegion options', () => {
  it.each([
    ['cropScale', 0],
    ['cropScale', -1],
    ['cropScale', Number.NaN],
    ['cropScale', Number.POSITIVE_INFINITY],
    ['size', 1],
    ['size', 65],
    ['size', 2.5],
    ['splitSeed', -1],
    ['splitSeed', 1.5],
    ['splitSeed', 2 ** 53],
    ['inputScale', 'zscore'],
    ['minmaxRange', [150, 0]],
    ['minmaxRange', [0, Number.POSITIVE_INFINITY]],
    ['minmaxRange', [0]],
  ])('rejects %s = %s, naming the option', async (option, value) => {
    const err = await loadRegion('East', { dataDir: DATA_DIR, [option]: value }).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect(err).toMatchObject({ code: 'INVALID_OPTION', option, value });
    expect(err.message).toContain(`invalid option ${option}`);
  });

  it('rejects an unknown region', async () => {
    const err = await loadRegion('North' as RegionName, { dataDir: DATA_DIR }).catch((e) => e);
    expect(err).toMatchObject({ code: 'INVALID_OPTION', option: 'region', value: 'North' });
  });

  it('reports the identity it prepared', async () => {
    const east = await loadRegion('East', { dataDir: DATA_DIR, size: 8, splitSeed: 3 });
    expect(east.identity).toEqual({ ...west, region: 'East', size: 8, splitSeed: 3 });
    expect(east.identityHash).toBe(datasetIdentityHash(east.identity));
    expect(east.train.x.length).toBe(east.train.count * 64);
  });
});

describe('defaultCacheDir', () => {
  const tail = 'seedsweep/crater-dataset/646da4c518c1662fad6d3bb607cf04b77213ca7f';

  it('uses an absolute XDG_CACHE_HOME, else ~/.cache', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/var/cache/u' }, '/home/u')).toBe(
      `/var/cache/u/${tail}`,
    );
    expect(defaultCacheDir({}, '/home/u')).toBe(`/home/u/.cache/${tail}`);
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'rel' }, '/home/u')).toBe(`/home/u/.cache/${tail}`);
  });
});
