import { readRegionCandidates } from './region-candidates.js';
import { regionCandidateFiles, REGIONS, type RegionName } from './regions.js';
import { resolveDataset } from './resolve-dataset.js';
import { splitSizes } from './split.js';

export interface RegionStats {
  region: RegionName;
  craters: number;
  nonCraters: number;
  /** Examples in the training half (the same for every split seed). */
  train: number;
  test: number;
}

export interface DatasetStatsOptions {
  /** A directory holding the dataset; omitted: the candidate CSVs are resolved into the default download cache. */
  dataDir?: string;
}

/** Candidate counts and split sizes of the three regions; reads only the candidate CSVs. */
export async function datasetStats(options: DatasetStatsOptions = {}): Promise<RegionStats[]> {
  const dir =
    options.dataDir ?? (await resolveDataset({ files: REGIONS.flatMap(regionCandidateFiles) }));
  return Promise.all(
    REGIONS.map(async (region) => {
      const candidates = await readRegionCandidates(dir, region);
      const craters = candidates.filter((c) => c.label === 1).length;
      const nonCraters = candidates.length - craters;
      const { train, test } = splitSizes(craters, nonCraters);
      return { region, craters, nonCraters, train, test };
    }),
  );
}
