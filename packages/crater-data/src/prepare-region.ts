import { readTile } from './dataset-reader.js';
import { writeExample } from './examples.js';
import type { PreparationSettings } from './preparation-options.js';
import type { ExampleSet, PreparedTensors } from './prepared-region.js';
import { readRegionCandidates, type RegionCandidate } from './region-candidates.js';
import { REGION_TILES, type RegionName } from './regions.js';
import { splitRegion } from './split.js';
import type { GreyImage } from './pgm.js';

/** Builds a region's tensors from the raw files: parse, split, crop, resample, standardise. */
export async function prepareRegion(
  dataDir: string,
  region: RegionName,
  settings: PreparationSettings,
): Promise<PreparedTensors> {
  const [tiles, candidates] = await Promise.all([
    Promise.all(REGION_TILES[region].map((tile) => readTile(dataDir, tile))),
    readRegionCandidates(dataDir, region),
  ]);
  const labels = Uint8Array.from(candidates, (c) => c.label);
  const split = splitRegion(region, labels, settings.splitSeed);
  const craters = labels.reduce((n, label) => n + label, 0);
  return {
    size: settings.size,
    train: buildExamples(split.train, candidates, tiles, settings),
    test: buildExamples(split.test, candidates, tiles, settings),
    craters,
    nonCraters: candidates.length - craters,
  };
}

function buildExamples(
  indices: Int32Array,
  candidates: readonly RegionCandidate[],
  tiles: readonly GreyImage[],
  settings: PreparationSettings,
): ExampleSet {
  const pixels = settings.size * settings.size;
  const x = new Float32Array(indices.length * pixels);
  const y = new Uint8Array(indices.length);
  indices.forEach((index, i) => {
    const c = candidates[index]!;
    writeExample(tiles[c.tile]!, c, settings, x, i * pixels);
    y[i] = c.label;
  });
  return { count: indices.length, x, y };
}
