import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATASET_SHA256, type DatasetFile } from '../src/checksums.js';
import { ChecksumMismatchError } from '../src/errors/checksum-mismatch-error.js';
import { DatasetFileMissingError } from '../src/errors/dataset-file-missing-error.js';
import { DownloadError } from '../src/errors/download-error.js';
import { InvalidOptionError } from '../src/errors/invalid-option-error.js';
import { resolveDataset, type DownloadProgress } from '../src/resolve-dataset.js';
import { DATA_DIR, tempDir } from './fixtures.js';

const TILE: DatasetFile = 'urbach2009_tile_images/tile3_24.pgm';
const TP: DatasetFile = 'bandeira2010_candidates/3_24_tp.csv';
const TN: DatasetFile = 'bandeira2010_candidates/3_24_tn.csv';
const GT: DatasetFile = 'bandeira2010_gt/3_24_gt.csv';
const FILES = [TP, TN, GT, TILE];

type Fault = 'corrupt' | 'truncate' | 'stall' | 'not-found';

interface TestServer {
  baseUrl: string;
  /** Requests received, by dataset-relative path. */
  requests: Map<string, number>;
  close: () => Promise<void>;
}

/** Serves the reference dataset under /data/, with optional faults for some files. */
async function serve(faults: Partial<Record<string, Fault>> = {}): Promise<TestServer> {
  const requests = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const file = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(
      /^\/data\//,
      '',
    );
    requests.set(file, (requests.get(file) ?? 0) + 1);
    readFile(path.join(DATA_DIR, file)).then(
      (data) => respond(res, data, faults[file]),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/data`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function respond(res: http.ServerResponse, data: Buffer, fault: Fault | undefined): void {
  if (fault === 'not-found') return void res.writeHead(404).end();
  if (fault === 'corrupt') return void res.end(corrupted(data));
  res.writeHead(200, { 'content-length': data.length });
  if (fault === undefined) return void res.end(data);
  // Half the announced bytes, then the connection drops (truncate) or hangs (stall).
  res.write(data.subarray(0, data.length >> 1), () => {
    if (fault === 'truncate') res.socket?.destroy();
  });
}

function corrupted(data: Buffer): Buffer {
  const copy = Buffer.from(data);
  copy[copy.length >> 1]! ^= 0xff;
  return copy;
}

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

let cacheDir: string;
let remove: () => Promise<void>;
let server: TestServer | undefined;
beforeEach(async () => ({ dir: cacheDir, remove } = await tempDir()));
afterEach(async () => {
  await server?.close();
  server = undefined;
  await remove();
});

describe('resolveDataset downloading', () => {
  it('downloads and verifies every needed file, then never again', async () => {
    server = await serve();
    const progress: DownloadProgress[] = [];
    const dir = await resolveDataset({
      cacheDir,
      baseUrl: server.baseUrl,
      files: FILES,
      onProgress: (e) => progress.push(e),
    });
    expect(dir).toBe(cacheDir);
    expect(await listFiles(cacheDir)).toEqual([...FILES].sort());
    for (const file of FILES) {
      expect(sha256(await readFile(path.join(cacheDir, file)))).toBe(DATASET_SHA256[file]);
    }
    expect(progress.at(-1)).toMatchObject({ file: TILE, done: 4, total: 4, bytes: 2890017 });
    expect(progress.some((e) => e.file === TILE && e.bytes < 2890017)).toBe(true);
    expect([...server.requests.values()]).toEqual([1, 1, 1, 1]);

    server.requests.clear();
    await resolveDataset({ cacheDir, baseUrl: server.baseUrl, files: FILES });
    expect(server.requests.size).toBe(0);
  });

  it('downloads again only a cached file that went bad', async () => {
    server = await serve();
    await resolveDataset({ cacheDir, baseUrl: server.baseUrl, files: FILES });
    // Verified (and remembered as valid) before it goes bad: the memo must notice the change.
    await resolveDataset({ cacheDir, baseUrl: server.baseUrl, files: FILES });
    await writeFile(path.join(cacheDir, TN), '1,2,3\n');
    server.requests.clear();
    await resolveDataset({ cacheDir, baseUrl: `${server.baseUrl}/`, files: FILES });
    expect([...server.requests]).toEqual([[TN, 1]]);
    expect(sha256(await readFile(path.join(cacheDir, TN)))).toBe(DATASET_SHA256[TN]);
  });

  it('rejects a corrupted download, naming file and both sums, and keeps nothing', async () => {
    server = await serve({ [TN]: 'corrupt' });
    const err = await resolveDataset({ cacheDir, baseUrl: server.baseUrl, files: [TP, TN] }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(ChecksumMismatchError);
    const actual = sha256(corrupted(await readFile(path.join(DATA_DIR, TN))));
    expect(err).toMatchObject({
      code: 'CHECKSUM_MISMATCH',
      file: TN,
      expected: DATASET_SHA256[TN],
      actual,
    });
    for (const part of [TN, DATASET_SHA256[TN], actual]) expect(err.message).toContain(part);
    expect(await listFiles(cacheDir)).toEqual([TP]);
  });

  it('gives up on a dropped connection after retrying, leaving no file', async () => {
    server = await serve({ [TILE]: 'truncate' });
    const err = await resolveDataset({ cacheDir, baseUrl: server.baseUrl, files: [TILE] }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(DownloadError);
    expect(err).toMatchObject({
      code: 'DOWNLOAD_FAILED',
      url: `${server.baseUrl}/${TILE}`,
      attempts: 3,
    });
    expect(err.message).toContain(`${server.baseUrl}/${TILE}`);
    expect(server.requests.get(TILE)).toBe(3);
    expect(await listFiles(cacheDir)).toEqual([]);
  });

  it('does not retry a 404', async () => {
    server = await serve({ [TP]: 'not-found' });
    const err = await resolveDataset({ cacheDir, baseUrl: server.baseUrl, files: [TP] }).catch(
      (e) => e,
    );
    expect(err).toMatchObject({ code: 'DOWNLOAD_FAILED', status: 404, attempts: 1 });
    expect(server.requests.get(TP)).toBe(1);
    expect(await listFiles(cacheDir)).toEqual([]);
  });

  it('stops when aborted, leaving no file', async () => {
    server = await serve({ [TILE]: 'stall' });
    const controller = new AbortController();
    const done = resolveDataset({
      cacheDir,
      baseUrl: server.baseUrl,
      files: [TILE],
      signal: controller.signal,
      onProgress: () => controller.abort(new Error('user abort')),
    });
    await expect(done).rejects.toThrow('user abort');
    expect(server.requests.get(TILE)).toBe(1);
    expect(await listFiles(cacheDir)).toEqual([]);
  });

  it('refuses files outside the pinned dataset', async () => {
    await expect(resolveDataset({ cacheDir, files: ['../../etc/passwd'] })).rejects.toBeInstanceOf(
      InvalidOptionError,
    );
  });
});

describe('resolveDataset with dataDir', () => {
  it('returns a complete, valid directory as it is', async () => {
    expect(await resolveDataset({ dataDir: DATA_DIR })).toBe(path.resolve(DATA_DIR));
  });

  it('reports a missing file', async () => {
    const err = await resolveDataset({ dataDir: cacheDir, files: [TP] }).catch((e) => e);
    expect(err).toBeInstanceOf(DatasetFileMissingError);
    expect(err).toMatchObject({ code: 'DATASET_FILE_MISSING', file: TP, dir: cacheDir });
  });

  it('reports a corrupt file', async () => {
    await mkdir(path.join(cacheDir, path.dirname(TP)), { recursive: true });
    await writeFile(path.join(cacheDir, TP), '1,2,3\n');
    const err = await resolveDataset({ dataDir: cacheDir, files: [TP] }).catch((e) => e);
    expect(err).toBeInstanceOf(ChecksumMismatchError);
    expect(err).toMatchObject({
      file: TP,
      expected: DATASET_SHA256[TP],
      actual: sha256(Buffer.from('1,2,3\n')),
    });
  });
});
