import { readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatasetFileMissingError } from '../src/errors/dataset-file-missing-error.js';
import { loadRegion } from '../src/load-region.js';
import type { ExampleSet, PreparedRegion } from '../src/prepared-region.js';
import { DATA_DIR, tempDir } from './fixtures.js';

let cacheDir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dir: cacheDir, remove } = await tempDir()));
afterEach(() => remove());

function bytes(set: ExampleSet): Buffer[] {
  return [Buffer.from(set.x.buffer, set.x.byteOffset, set.x.byteLength), Buffer.from(set.y)];
}

function expectBitIdentical(a: PreparedRegion, b: PreparedRegion): void {
  expect(b.identityHash).toBe(a.identityHash);
  expect([b.size, b.craters, b.nonCraters, b.train.count, b.test.count]).toEqual([
    a.size,
    a.craters,
    a.nonCraters,
    a.train.count,
    a.test.count,
  ]);
  [...bytes(a.train), ...bytes(a.test)].forEach((buf, i) =>
    expect(buf.equals([...bytes(b.train), ...bytes(b.test)][i]!)).toBe(true),
  );
}

// A directory with no dataset: a load that touches the raw files fails with DATASET_FILE_MISSING.
const NO_DATA = '/nonexistent/crater-dataset';

describe('prepared-tensor cache', () => {
  it.each(['East', 'West'] as const)(
    'writes %s on a cold load and reads it back bit-identically',
    async (region) => {
      let t = performance.now();
      const cold = await loadRegion(region, { dataDir: DATA_DIR, cacheDir });
      const coldMs = performance.now() - t;
      const file = path.join(cacheDir, `${cold.identityHash}.bin`);
      expect((await stat(file)).size).toBeGreaterThan(cold.train.x.byteLength);

      t = performance.now();
      const warm = await loadRegion(region, { dataDir: NO_DATA, cacheDir });
      const warmMs = performance.now() - t;
      expectBitIdentical(cold, warm);
      expect(await readdir(cacheDir)).toEqual([`${cold.identityHash}.bin`]);
      console.log(`${region}: cold ${coldMs.toFixed(1)} ms, warm ${warmMs.toFixed(1)} ms`);
    },
  );

  it('keys files by identity', async () => {
    const a = await loadRegion('East', { dataDir: DATA_DIR, cacheDir });
    const b = await loadRegion('East', { dataDir: DATA_DIR, cacheDir, size: 8 });
    expect(b.identityHash).not.toBe(a.identityHash);
    expect((await readdir(cacheDir)).sort()).toEqual(
      [`${a.identityHash}.bin`, `${b.identityHash}.bin`].sort(),
    );
    expect(b.train.x.length).toBe(b.train.count * 64);
  });

  it.each([
    ['a flipped payload byte', (data: Buffer) => (data[5000]! ^= 0x01)],
    ['a flipped header byte', (data: Buffer) => (data[12]! ^= 0x01)],
  ])('rebuilds a file with %s instead of trusting it', async (_, damage) => {
    const cold = await loadRegion('East', { dataDir: DATA_DIR, cacheDir });
    const file = path.join(cacheDir, `${cold.identityHash}.bin`);
    const good = await readFile(file);
    const bad = Buffer.from(good);
    damage(bad);
    await writeFile(file, bad);

    // Not trusted: the load goes back to the raw files...
    await expect(loadRegion('East', { dataDir: NO_DATA, cacheDir })).rejects.toBeInstanceOf(
      DatasetFileMissingError,
    );
    // ...and rebuilds the file from them.
    const rebuilt = await loadRegion('East', { dataDir: DATA_DIR, cacheDir });
    expectBitIdentical(cold, rebuilt);
    expect((await readFile(file)).equals(good)).toBe(true);
  });

  it('rebuilds a truncated file', async () => {
    const cold = await loadRegion('East', { dataDir: DATA_DIR, cacheDir });
    const file = path.join(cacheDir, `${cold.identityHash}.bin`);
    const { size } = await stat(file);
    await truncate(file, size - 1000);
    expectBitIdentical(cold, await loadRegion('East', { dataDir: DATA_DIR, cacheDir }));
    expect((await stat(file)).size).toBe(size);
    expect(await readdir(cacheDir)).toEqual([`${cold.identityHash}.bin`]);
  });
});
