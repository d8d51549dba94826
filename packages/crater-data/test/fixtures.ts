import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { GreyImage } from '../src/pgm.js';

/**
 * The real dataset, located by vitest.global-setup.ts (CRATER_DATA_DIR, ../shared beside the
 * checkout, or the pinned download); tests never copy it into the project.
 */
export const DATA_DIR = process.env.CRATER_DATA_DIR!;

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
