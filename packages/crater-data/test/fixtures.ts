import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GreyImage } from '../src/pgm.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The read-only reference copy of the dataset; tests never copy it into the project. */
export const DATA_DIR =
  process.env.CRATER_DATA_DIR ?? path.resolve(repoRoot, '../shared/crater-dataset');

/** A fresh temporary directory and a function that removes it. */
export async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-crater-data-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A synthetic 8-bit image whose pixel (x, y) is value(x, y). */
export function syntheticImage(
  width: number,
  height: number,
  value: (x: number, y: number) => number,
): GreyImage {
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) pixels[y * width + x] = value(x, y);
  }
  return { width, height, maxval: 255, pixels };
}
