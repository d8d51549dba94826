import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseCandidates, type Candidate } from './candidates.js';
import { DATASET_SHA256, type DatasetFile } from './checksums.js';
import { ChecksumMismatchError } from './errors/checksum-mismatch-error.js';
import { DatasetFileMissingError } from './errors/dataset-file-missing-error.js';
import { isNotFound } from './atomic-file.js';
import { parsePgm, type GreyImage } from './pgm.js';
import { candidatesFile, tileFile, type CandidateKind, type TileId } from './regions.js';

/**
 * Reads a dataset file and checks it against its pinned sum. The bytes are hashed as they are
 * used, so even a file changed after resolveDataset checked it cannot slip through.
 */
export async function readDatasetFile(dir: string, file: DatasetFile): Promise<Buffer> {
  let data: Buffer;
  try {
    data = await readFile(path.join(dir, file));
  } catch (err) {
    if (isNotFound(err)) throw new DatasetFileMissingError(file, dir);
    throw err;
  }
  const actual = createHash('sha256').update(data).digest('hex');
  if (actual !== DATASET_SHA256[file]) {
    throw new ChecksumMismatchError(file, DATASET_SHA256[file], actual);
  }
  return data;
}

export async function readTile(dir: string, tile: TileId): Promise<GreyImage> {
  const file = tileFile(tile);
  return parsePgm(await readDatasetFile(dir, file), file);
}

export async function readCandidates(
  dir: string,
  tile: TileId,
  kind: CandidateKind,
): Promise<Candidate[]> {
  const file = candidatesFile(tile, kind);
  return parseCandidates((await readDatasetFile(dir, file)).toString('utf8'), file);
}
