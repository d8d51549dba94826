import {
  cacheLayout,
  loadRegion,
  locateDataset,
  type PreparedRegion,
  type RegionName,
} from '@seedsweep/crater-data';
import type { DatasetParams } from '@seedsweep/sweep-spec';

export interface RegionDataOptions {
  dataDir: string | undefined;
  dataUrl: string | undefined;
  cacheRoot: string;
}

/**
 * Prepared regions of one trial process, kept in memory: a process trains many trials of the
 * same region, and preparing (even from the disk cache) is not free.
 */
export class RegionData {
  private datasetDir: Promise<string> | undefined;
  private readonly prepared = new Map<string, Promise<PreparedRegion>>();

  constructor(private readonly options: RegionDataOptions) {}

  load(region: RegionName, params: DatasetParams, identity: string): Promise<PreparedRegion> {
    let entry = this.prepared.get(identity);
    if (!entry) {
      entry = this.loadUncached(region, params);
      // A failure (say, a download that timed out) must not stick: the retry tries again.
      entry.catch(() => this.prepared.delete(identity));
      this.prepared.set(identity, entry);
    }
    return entry;
  }

  private async loadUncached(region: RegionName, params: DatasetParams): Promise<PreparedRegion> {
    const layout = cacheLayout(this.options.cacheRoot);
    this.datasetDir ??= locateDataset({
      dataDir: this.options.dataDir,
      cacheRoot: this.options.cacheRoot,
      baseUrl: this.options.dataUrl,
    });
    const dataDir = await this.datasetDir.catch((error: unknown) => {
      this.datasetDir = undefined;
      throw error;
    });
    return loadRegion(region, { dataDir, cacheDir: layout.prepared, ...params });
  }
}
