import type { DatasetFile } from './checksums.js';

/** The three regions of the RandomOut paper, west to east across the HRSC image. */
export type RegionName = 'West' | 'Center' | 'East';
export const REGIONS: readonly RegionName[] = ['West', 'Center', 'East'];

export type TileId = '1_24' | '1_25' | '2_24' | '2_25' | '3_24' | '3_25';

/** Tile order matters: it fixes the candidate order the split shuffles (see split.ts). */
export const REGION_TILES: Readonly<Record<RegionName, readonly [TileId, TileId]>> = {
  West: ['1_24', '1_25'],
  Center: ['2_24', '2_25'],
  East: ['3_24', '3_25'],
};

/** tp = candidates that are craters (label 1); tn = candidates that are not (label 0). */
export type CandidateKind = 'tp' | 'tn';

export function tileFile(tile: TileId): DatasetFile {
  return `urbach2009_tile_images/tile${tile}.pgm`;
}

export function candidatesFile(tile: TileId, kind: CandidateKind): DatasetFile {
  return `bandeira2010_candidates/${tile}_${kind}.csv`;
}

export function isRegionName(value: unknown): value is RegionName {
  return REGIONS.includes(value as RegionName);
}

/** The candidate CSVs of a region, in candidate order. */
export function regionCandidateFiles(region: RegionName): DatasetFile[] {
  return REGION_TILES[region].flatMap((t) => [candidatesFile(t, 'tp'), candidatesFile(t, 'tn')]);
}

/** Every file needed to prepare a region: its two tiles and four candidate CSVs. */
export function regionFiles(region: RegionName): DatasetFile[] {
  return [...REGION_TILES[region].map(tileFile), ...regionCandidateFiles(region)];
}

/** The files the experiment needs: all tiles and candidate CSVs (not the ground-truth CSVs). */
export const DEFAULT_DATASET_FILES: readonly DatasetFile[] = REGIONS.flatMap(regionFiles);
