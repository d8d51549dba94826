import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { defaultCacheDir } from './cache-dir.js';
import { DATASET_SHA256, DEFAULT_BASE_URL, isDatasetFile, type DatasetFile } from './checksums.js';
import { downloadVerified } from './download.js';
import { ChecksumMismatchError } from './errors/checksum-mismatch-error.js';
import { DatasetFileMissingError } from './errors/dataset-file-missing-error.js';
import { InvalidOptionError } from './errors/invalid-option-error.js';
import { hashFile } from './file-hash.js';
import { DEFAULT_DATASET_FILES } from './regions.js';

export interface DownloadProgress {
  /** The dataset-relative path being downloaded. */
  file: string;
  /** Bytes of `file` received so far. */
  bytes: number;
  /** The size of `file`, when the server announced it. */
  totalBytes?: number;
  /** Files of this call already downloaded and verified. */
  done: number;
  /** Files this call has to download (those missing or corrupt). */
  total: number;
}

export interface ResolveDatasetOptions {
  /** A directory that already holds the dataset: verified, never written. */
  dataDir?: string;
  /** Where to download missing files when no dataDir is given; see defaultCacheDir. */
  cacheDir?: string;
  /** Base URL the dataset-relative paths are appended to; default: the pinned GitHub commit. */
  baseUrl?: string;
  /** Dataset-relative paths needed; default: the six tiles and twelve candidate CSVs. */
  files?: readonly string[];
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
}

/**
 * Returns a directory laid out like the dataset repository in which every needed file exists
 * and matches its pinned SHA-256: `dataDir` itself after checking it, or the cache directory
 * after downloading whatever is missing or corrupt there.
 */
export async function resolveDataset(options: ResolveDatasetOptions = {}): Promise<string> {
  const files = neededFiles(options.files);
  if (options.dataDir !== undefined) {
    const dir = path.resolve(options.dataDir);
    await verifyDir(dir, files);
    return dir;
  }
  const dir = path.resolve(options.cacheDir ?? defaultCacheDir({}, os.homedir()));
  const stale: DatasetFile[] = [];
  for (const file of files) {
    if ((await hashFile(path.join(dir, file))) !== DATASET_SHA256[file]) stale.push(file);
  }
  await downloadAll(dir, stale, options);
  return dir;
}

function neededFiles(files: readonly string[] = DEFAULT_DATASET_FILES): DatasetFile[] {
  for (const file of files) {
    if (!isDatasetFile(file)) {
      throw new InvalidOptionError('files', file, 'must list paths of the pinned dataset');
    }
  }
  return [...new Set(files as readonly DatasetFile[])];
}

async function verifyDir(dir: string, files: readonly DatasetFile[]): Promise<void> {
  for (const file of files) {
    const actual = await hashFile(path.join(dir, file));
    if (actual === undefined) throw new DatasetFileMissingError(file, dir);
    if (actual !== DATASET_SHA256[file]) {
      throw new ChecksumMismatchError(file, DATASET_SHA256[file], actual);
    }
  }
}

async function downloadAll(
  dir: string,
  files: readonly DatasetFile[],
  { baseUrl = DEFAULT_BASE_URL, onProgress, signal }: ResolveDatasetOptions,
): Promise<void> {
  // Without the trailing slash, URL resolution would replace the base's last segment.
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const total = files.length;
  for (const [done, file] of files.entries()) {
    signal?.throwIfAborted();
    const dest = path.join(dir, file);
    await mkdir(path.dirname(dest), { recursive: true });
    const bytes = await downloadVerified(
      { url: new URL(file, base).href, dest, file, sha256: DATASET_SHA256[file] },
      {
        signal,
        onBytes: (b, totalBytes) => onProgress?.({ file, bytes: b, totalBytes, done, total }),
      },
    );
    onProgress?.({ file, bytes, totalBytes: bytes, done: done + 1, total });
  }
}
