import type { Candidate } from './candidates.js';
import { readCandidates } from './dataset-reader.js';
import { REGION_TILES, type RegionName } from './regions.js';

export interface RegionCandidate extends Candidate {
  /** Index into REGION_TILES[region]. */
  tile: number;
  /** 1 = crater (tp file), 0 = not a crater (tn file). */
  label: 0 | 1;
}

/**
 * A region's candidates in the fixed order the split relies on: for each tile in REGION_TILES
 * order, its tp file then its tn file, each in line order.
 */
export async function readRegionCandidates(
  dir: string,
  region: RegionName,
): Promise<RegionCandidate[]> {
  const perTile = await Promise.all(
    REGION_TILES[region].map(async (tileId, tile) => {
      const [craters, nonCraters] = await Promise.all([
        readCandidates(dir, tileId, 'tp'),
        readCandidates(dir, tileId, 'tn'),
      ]);
      return [
        ...craters.map((c): RegionCandidate => ({ ...c, tile, label: 1 })),
        ...nonCraters.map((c): RegionCandidate => ({ ...c, tile, label: 0 })),
      ];
    }),
  );
  return perTile.flat();
}
